import { loadAlertingConfig } from './alerting.config';

const base = { ES_URL: 'http://127.0.0.1:9200', ALERTING_API_TOKEN: '0123456789abcdef' };

describe('loadAlertingConfig', () => {
  it('ticks every second with 15 s leases and allows no webhook target by default', () => {
    const { alerting, http } = loadAlertingConfig(base);
    expect(http.port).toBe(8084);
    expect(alerting).toMatchObject({
      tickMs: 1_000,
      leaseTtlMs: 15_000,
      concurrency: 8,
      rulesDir: undefined,
      webhooks: { allowlist: [], allowPrivate: false, allowLoopback: false },
    });
    expect(alerting.replicaId).toMatch(/-\d+$/);
  });

  it('reads the webhook allowlist as a comma-separated list', () => {
    const { alerting } = loadAlertingConfig({
      ...base,
      WEBHOOK_ALLOWLIST: ' https://a.example.com/ , ,https://b.example.com/',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
    });
    expect(alerting.webhooks).toEqual({
      allowlist: ['https://a.example.com/', 'https://b.example.com/'],
      allowPrivate: false,
      allowLoopback: true,
    });
  });

  it('refuses an API token shorter than 16 characters, or none', () => {
    expect(() => loadAlertingConfig({ ...base, ALERTING_API_TOKEN: 'short' })).toThrow(
      /ALERTING_API_TOKEN: must be at least 16 characters/,
    );
    expect(() => loadAlertingConfig({ ES_URL: base.ES_URL })).toThrow(/ALERTING_API_TOKEN/);
  });

  it('refuses an allowlist entry that is neither *, a host nor an http(s) URL, naming it', () => {
    expect(() =>
      loadAlertingConfig({
        ...base,
        WEBHOOK_ALLOWLIST: 'hooks.slack.com,ftp://files.example.com/',
      }),
    ).toThrow(
      /WEBHOOK_ALLOWLIST: ftp:\/\/files.example.com\/ is neither a host name nor an http\(s\) URL/,
    );
    expect(() =>
      loadAlertingConfig({ ...base, WEBHOOK_ALLOWLIST: 'https://user:pw@hooks.example.com/' }),
    ).toThrow(/credentials, query and fragment have no place/);
    expect(
      loadAlertingConfig({
        ...base,
        WEBHOOK_ALLOWLIST: '*,hooks.slack.com,10.1.2.3,http://127.0.0.1:8095/',
      }).alerting.webhooks.allowlist,
    ).toEqual(['*', 'hooks.slack.com', '10.1.2.3', 'http://127.0.0.1:8095/']);
  });
});
