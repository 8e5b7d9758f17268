import { ClusterNetwork } from './cluster-network';

describe('the local cluster network', () => {
  const network = new ClusterNetwork('meetup');
  network.route('m-kafka-bootstrap', 9093, '127.0.0.1:29095');
  network.route('m-ingestor-0.m-ingestor', 8081, '127.0.0.1:40001');
  network.route('m-simulator', 8090, '127.0.0.1:40002');

  it('routes a service by its short and namespace-qualified names', () => {
    expect(network.rewrite('m-kafka-bootstrap:9093')).toBe('127.0.0.1:29095');
    expect(network.rewrite('m-kafka-bootstrap.meetup.svc:9093')).toBe('127.0.0.1:29095');
    expect(network.rewrite('m-kafka-bootstrap.meetup.svc.cluster.local:9093')).toBe(
      '127.0.0.1:29095',
    );
  });

  it('rewrites addresses inside URLs, lists and scripts', () => {
    expect(network.rewrite('simulator=ws://m-simulator:8090/2/rsvps')).toBe(
      'simulator=ws://127.0.0.1:40002/2/rsvps',
    );
    expect(network.rewrite('curl http://m-ingestor-0.m-ingestor:8081/health/ready')).toBe(
      'curl http://127.0.0.1:40001/health/ready',
    );
  });

  it('leaves unrouted names, other ports and longer names alone', () => {
    expect(network.rewrite('m-kafka-bootstrap:9092')).toBe('m-kafka-bootstrap:9092');
    expect(network.rewrite('x-m-simulator:8090')).toBe('x-m-simulator:8090');
    expect(network.rewrite('m-simulator:80901')).toBe('m-simulator:80901');
    expect(network.rewrite('https://m-kb-http:5601')).toBe('https://m-kb-http:5601');
  });
});
