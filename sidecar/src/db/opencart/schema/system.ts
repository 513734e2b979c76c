import { datetime, flag, int, serial, table, text, varchar, type TableDef } from './types';

/** Settings, stores, admin users, SEO URLs, events, extensions and the API user (OpenCart 3.0.x, NOTES §5, §8). */

// serialized = 1 means value is JSON (not PHP serialize).
const setting = table(
  'setting',
  [serial('setting_id'), int('store_id', 11, 0), varchar('code', 128), varchar('key', 128), text('value'), flag('serialized')],
  { primary: ['setting_id'] },
);

// Store 0 has no row here; its name and URL come from settings.
const store = table('store', [serial('store_id'), varchar('name', 64), varchar('url', 255), varchar('ssl', 255)], { primary: ['store_id'] });

const user = table(
  'user',
  [
    serial('user_id'),
    int('user_group_id'),
    varchar('username', 20),
    varchar('password', 40),
    varchar('salt', 9),
    varchar('firstname', 32),
    varchar('lastname', 32),
    varchar('email', 96),
    varchar('image', 255),
    varchar('code', 40),
    varchar('ip', 40),
    flag('status'),
    datetime('date_added'),
  ],
  { primary: ['user_id'] },
);

// permission: JSON {"access":[route keys],"modify":[route keys]}.
const userGroup = table('user_group', [serial('user_group_id'), varchar('name', 64), text('permission')], { primary: ['user_group_id'] });

const seoUrl = table(
  'seo_url',
  [serial('seo_url_id'), int('store_id'), int('language_id'), varchar('query', 255), varchar('keyword', 255)],
  { primary: ['seo_url_id'], indexes: { query: ['query'], keyword: ['keyword'] } },
);

// sort_order gained its default in 3.0.5; older shops have none.
const event = table(
  'event',
  [serial('event_id'), varchar('code', 64), text('trigger'), text('action'), flag('status'), int('sort_order', 3, 0)],
  { primary: ['event_id'] },
);

const extension = table('extension', [serial('extension_id'), varchar('type', 32), varchar('code', 32)], { primary: ['extension_id'] });

// The user the admin's order screens act as (config_api_id).
const api = table(
  'api',
  [serial('api_id'), varchar('username', 64), text('key'), flag('status'), datetime('date_added'), datetime('date_modified')],
  { primary: ['api_id'] },
);

export const SYSTEM_TABLES: TableDef[] = [setting, store, user, userGroup, seoUrl, event, extension, api];
