import { buildConfig } from './build-config';
import { ConfigError } from './config-error';
import { elasticsearchConfigFrom, httpConfigFrom, kafkaConfigFrom } from './sections';

function problemsOf(run: () => unknown): { variable: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
  it('parses a broker list and applies defaults', () => {
    const kafka = kafkaConfigFrom({ KAFKA_BROKERS: 'a:9092, b:9093' }, 'ingestor');
    expect(kafka).toEqual({
      brokers: ['a:9092', 'b:9093'],
      clientId: 'ingestor',
      ssl: false,
      caFile: undefined,
      sasl: undefined,
    });
  });

  it('names a missing required variable', () => {
    expect(problemsOf(() => kafkaConfigFrom({}, 'x'))).toEqual([
      { variable: 'KAFKA_BROKERS', message: 'is required' },
    ]);
  });

  it('names a malformed variable', () => {
    expect(problemsOf(() => httpConfigFrom({ HTTP_PORT: 'eighty' }, 80))[0]?.variable).toBe(
      'HTTP_PORT',
    );
    expect(problemsOf(() => elasticsearchConfigFrom({ ES_URL: 'not a url' }))[0]?.variable).toBe(
      'ES_URL',
    );
  });

  it('treats an empty value as unset', () => {
    expect(httpConfigFrom({ HTTP_PORT: '' }, 8081).port).toBe(8081);
  });

  it('requires the SASL password when a SASL user is set', () => {
    expect(
      problemsOf(() => kafkaConfigFrom({ KAFKA_BROKERS: 'a:1', KAFKA_SASL_USERNAME: 'u' }, 'x')),
    ).toEqual([
      { variable: 'KAFKA_SASL_PASSWORD', message: 'is required when KAFKA_SASL_USERNAME is set' },
    ]);
  });

  it('names the CA file variable when its file is not there, at start', () => {
    expect(
      problemsOf(() =>
        kafkaConfigFrom({ KAFKA_BROKERS: 'a:1', KAFKA_CA_FILE: '/nowhere/ca.crt' }, 'x'),
      ),
    ).toEqual([{ variable: 'KAFKA_CA_FILE', message: '/nowhere/ca.crt does not exist' }]);
    expect(
      problemsOf(() =>
        elasticsearchConfigFrom({ ES_URL: 'https://es:9200', ES_CA_FILE: '/nowhere/ca.crt' }),
      ),
    ).toEqual([{ variable: 'ES_CA_FILE', message: '/nowhere/ca.crt does not exist' }]);
  });

  it('accepts a CA file that is there, and turns TLS on for Kafka', () => {
    const kafka = kafkaConfigFrom({ KAFKA_BROKERS: 'a:1', KAFKA_CA_FILE: __filename }, 'x');
    expect(kafka).toMatchObject({ ssl: true, caFile: __filename });
    expect(
      problemsOf(() => elasticsearchConfigFrom({ ES_URL: 'https://es', ES_CA_FILE: __dirname })),
    ).toEqual([{ variable: 'ES_CA_FILE', message: `${__dirname} is not a file` }]);
  });

  it('reports the problems of every section at once', () => {
    const problems = problemsOf(() =>
      buildConfig({
        http: () => httpConfigFrom({ HTTP_PORT: '99999' }, 1),
        kafka: () => kafkaConfigFrom({}, 'x'),
      }),
    );
    expect(problems.map((p) => p.variable)).toEqual(['HTTP_PORT', 'KAFKA_BROKERS']);
  });
});
