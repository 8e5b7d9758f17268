import type { estypes } from '@elastic/elasticsearch';

type Property = estypes.MappingProperty;

/** Field types used by every template, so the same concept maps the same way everywhere. */
export const field = {
  id: (): Property => ({ type: 'keyword', ignore_above: 256 }),
  code: (): Property => ({ type: 'keyword', ignore_above: 64 }),
  keyword: (): Property => ({ type: 'keyword', ignore_above: 1024 }),
  /** Searchable text that can also be aggregated (`.keyword`). */
  text: (): Property => ({
    type: 'text',
    fields: { keyword: { type: 'keyword', ignore_above: 512 } },
  }),
  time: (): Property => ({ type: 'date', format: 'strict_date_optional_time||epoch_millis' }),
  count: (): Property => ({ type: 'long' }),
  integer: (): Property => ({ type: 'integer' }),
  float: (): Property => ({ type: 'double' }),
  bool: (): Property => ({ type: 'boolean' }),
  location: (): Property => ({ type: 'geo_point' }),
  /** Stored in _source, not indexed: free-form payloads. */
  opaque: (): Property => ({ type: 'object', enabled: false }),
};

export const groupDescriptorFields = (): Record<string, Property> => ({
  group_id: field.id(),
  group_name: field.text(),
  group_urlname: field.id(),
  group_city: field.keyword(),
  group_state: field.code(),
  group_country: field.code(),
  group_country_name: field.keyword(),
  group_continent: field.code(),
  group_location: field.location(),
  group_topics: field.keyword(),
});
