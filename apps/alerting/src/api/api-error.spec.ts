import { z } from 'zod';
import { ApiError } from './api-error';
import { parseBody } from './zod-body';

function thrownBy(parse: () => unknown): ApiError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('parsed without an error');
}

describe('ApiError', () => {
  it('answers each code with its HTTP status and a body that names the code', () => {
    expect(new ApiError('rule_not_found', 'no such rule').getStatus()).toBe(404);
    expect(new ApiError('rule_exists', 'taken').getStatus()).toBe(409);
    expect(new ApiError('invalid_rule', 'bad').getStatus()).toBe(400);
    expect(new ApiError('not_firing', 'ok').getResponse()).toEqual({
      error: 'not_firing',
      message: 'ok',
    });
  });
});

describe('parseBody', () => {
  const schema = z.object({ note: z.string(), until: z.object({ ms: z.number() }) });

  it('answers the parsed body', () => {
    expect(parseBody(schema, { note: 'n', until: { ms: 1 } })).toEqual({
      note: 'n',
      until: { ms: 1 },
    });
  });

  it('refuses with a 400 that names every field at fault by its path', () => {
    const error = thrownBy(() => parseBody(schema, { until: { ms: 'soon' } }));
    expect(error.getStatus()).toBe(400);
    expect(error.getResponse()).toMatchObject({
      error: 'invalid_request',
      problems: [
        { field: 'note', message: expect.any(String) as unknown },
        { field: 'until.ms', message: expect.any(String) as unknown },
      ],
    });
  });

  it('reads a missing body as an empty object and names the body itself when it is at fault', () => {
    expect(parseBody(z.object({ note: z.string().optional() }), undefined)).toEqual({});
    expect(thrownBy(() => parseBody(z.string(), undefined)).getResponse()).toMatchObject({
      problems: [{ field: '(body)' }],
    });
  });
});
