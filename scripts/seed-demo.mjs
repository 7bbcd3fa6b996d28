// Demo reference data, users, a storefront API key and orders of a hi-fi and home-cinema shop (site
// `pult`, prices in RUB kopecks), saved through the gateway's public API like an administrator and a
// storefront would. start.sh runs it after every start (the services are built by then):
//
//   GATEWAY_ADMIN_KEY=ork_... node scripts/seed-demo.mjs
//
// GATEWAY_ADMIN_KEY: a key with every permission (start.sh passes the gateway's bootstrap admin key);
// GATEWAY_URL: default http://127.0.0.1:8080; DEMO_KEY_FILE: where the storefront key's secret is kept
// (the API shows a secret only once), optional.
//
// Everything is idempotent. The reference data (services/orders/src/reference-data/demo-pult.ts) is
// saved only when the stored document is missing or differs, so a repeat does not add versions. Users
// are created or brought back to their demo groups. The storefront key is created once and kept while
// its secret in DEMO_KEY_FILE still works. Every order has a fixed externalId and Idempotency-Key, so a
// repeat returns the order created the first time instead of a duplicate.
// Exits 1 when something could not be saved.
/* global fetch, AbortSignal -- Node 20 globals without a node: module */

import console from 'node:console';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const { demoPult } = require('../services/orders/dist/reference-data/demo-pult.js');
const { parseReferenceData } = require('../services/orders/dist/reference-data/reference-data.js');

const GATEWAY_URL = (process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ADMIN_KEY = process.env.GATEWAY_ADMIN_KEY;
const DEMO_KEY_FILE = process.env.DEMO_KEY_FILE;
const SITE = 'pult';
const CURRENCY = 'RUB';
const ATTEMPTS = 5;
const REQUEST_TIMEOUT_MS = 15_000;

/** Catalogue prices in roubles; the API takes kopecks. */
const catalogue = {
  'denon-avr-x1800h': ['AV-ресивер Denon AVR-X1800H DAB, чёрный', 94_990],
  'yamaha-rx-v6a': ['AV-ресивер Yamaha RX-V6A, чёрный', 89_990],
  'klipsch-r-610f': ['Напольная акустика Klipsch R-610F, пара', 79_990],
  'bw-607-s3': ['Полочная акустика Bowers & Wilkins 607 S3, белая, пара', 89_990],
  'dali-oberon-1': ['Полочная акустика Dali Oberon 1, светлый дуб, пара', 36_990],
  'norstone-esse': ['Стойки для акустики Norstone Esse, чёрные, пара', 24_990],
  'svs-sb-1000-pro': ['Сабвуфер SVS SB-1000 Pro, чёрный ясень', 109_990],
  'qed-xt25-1m': ['Акустический кабель QED XT25, 1 м', 1_290],
  'sonos-arc': ['Саундбар Sonos Arc, чёрный', 129_990],
  'sonos-era-100': ['Беспроводная колонка Sonos Era 100, чёрная', 29_990],
  'epson-eh-tw7100': ['4K-проектор Epson EH-TW7100', 249_990],
  'lumien-lmp-100103': ['Экран Lumien Master Picture 153×203 см, Matte White', 29_990],
  'audioquest-pearl-48-2m': ['HDMI-кабель AudioQuest Pearl 48, 2 м', 6_990],
  'install-home-cinema': ['Установка и настройка домашнего кинотеатра', 9_990],
  'project-debut-carbon-evo': [
    'Проигрыватель винила Pro-Ject Debut Carbon EVO (2M Red), сатин-белый',
    69_990,
  ],
  'project-phono-box-s2': ['Фонокорректор Pro-Ject Phono Box S2, серебристый', 16_990],
  'at-lp120xusb': ['Проигрыватель винила Audio-Technica AT-LP120XUSB, чёрный', 44_990],
  'marantz-pm6007': ['Интегральный усилитель Marantz PM6007, серебристо-золотой', 69_990],
  'marantz-cd6007': ['CD-проигрыватель Marantz CD6007, серебристо-золотой', 59_990],
  'cambridge-cxa81': ['Интегральный усилитель Cambridge Audio CXA81, серый', 159_990],
  'wiim-pro-plus': ['Сетевой проигрыватель WiiM Pro Plus', 24_990],
  'sennheiser-hd-660s2': ['Наушники Sennheiser HD 660S2', 64_990],
  'focal-clear-mg': ['Наушники Focal Clear MG', 169_990],
  'sony-wh-1000xm5': ['Беспроводные наушники Sony WH-1000XM5, чёрные', 34_990],
};

/** Who ordered what: customer, then catalogue offer → quantity. */
const demo = [
  [
    ['Алексей', 'Смирнов', '+7 (916) 245-18-73', 'a.smirnov@example.com'],
    { 'denon-avr-x1800h': 1, 'klipsch-r-610f': 1, 'svs-sb-1000-pro': 1, 'qed-xt25-1m': 6 },
  ],
  [
    ['Екатерина', 'Иванова', '+7 (925) 318-42-09', 'ekaterina.ivanova@example.com'],
    { 'project-debut-carbon-evo': 1, 'project-phono-box-s2': 1 },
  ],
  [
    ['Дмитрий', 'Кузнецов', '+7 (903) 771-20-55', 'd.kuznetsov@example.com'],
    { 'sonos-arc': 1, 'sonos-era-100': 2 },
  ],
  [['Ольга', 'Попова', '+7 (912) 604-33-81', 'olga.popova@example.com'], { 'sennheiser-hd-660s2': 1 }],
  [
    ['Сергей', 'Васильев', '+7 (921) 455-67-12', 'sergey.vasiliev@example.com'],
    { 'epson-eh-tw7100': 1, 'lumien-lmp-100103': 1, 'audioquest-pearl-48-2m': 1, 'install-home-cinema': 1 },
  ],
  [
    ['Наталья', 'Петрова', '+7 (985) 132-90-44', 'n.petrova@example.com'],
    { 'marantz-pm6007': 1, 'marantz-cd6007': 1 },
  ],
  [
    ['Андрей', 'Соколов', '+7 (926) 587-03-16', 'andrey.sokolov@example.com'],
    { 'yamaha-rx-v6a': 1, 'bw-607-s3': 1, 'qed-xt25-1m': 4 },
  ],
  [['Мария', 'Михайлова', '+7 (917) 220-68-35', 'maria.mikhailova@example.com'], { 'at-lp120xusb': 1 }],
  [
    ['Игорь', 'Новиков', '+7 (999) 840-15-27', 'igor.novikov@example.com'],
    { 'cambridge-cxa81': 1, 'wiim-pro-plus': 1 },
  ],
  [['Татьяна', 'Фёдорова', '+7 (968) 373-51-90', 't.fedorova@example.com'], { 'sony-wh-1000xm5': 2 }],
  [['Павел', 'Морозов', '+7 (915) 909-24-68', 'pavel.morozov@example.com'], { 'focal-clear-mg': 1 }],
  [
    ['Анна', 'Волкова', '+7 (981) 616-77-02', 'anna.volkova@example.com'],
    { 'dali-oberon-1': 1, 'norstone-esse': 1, 'wiim-pro-plus': 1 },
  ],
];

const orders = demo.map(([[firstName, lastName, phone, email], lines], i) => {
  const externalId = `PULT-DEMO-${1001 + i}`;
  return {
    idempotencyKey: `seed-demo-${SITE}-${externalId}`,
    body: {
      site: SITE,
      externalId,
      currency: CURRENCY,
      customer: { firstName, lastName, phones: [phone], email },
      items: Object.entries(lines).map(([offer, quantity]) => ({
        offerExternalId: offer,
        name: catalogue[offer][0],
        quantity,
        unitPrice: { amountMinor: catalogue[offer][1] * 100, currency: CURRENCY },
      })),
    },
  };
});

/** Staff of the demo shop, by the user groups of the demo reference data. */
const demoUsers = [
  { login: 'manager', name: 'Ирина Соколова', email: 'i.sokolova@pult.example', groups: ['managers'] },
  { login: 'accountant', name: 'Ольга Белова', email: 'o.belova@pult.example', groups: ['accounting'] },
  { login: 'buyer', name: 'Денис Орлов', email: 'd.orlov@pult.example', groups: ['purchasing'] },
];

/** What a storefront of site pult needs: its own orders and the reference data to build them. */
const storefrontKey = {
  name: 'demo-storefront',
  permissions: ['orders:read', 'orders:write', 'reference-data:read'],
  sites: [SITE],
};

/**
 * Sends one request with the admin key (or `key`); retries what a restarting platform answers (no
 * connection, 503), nothing else.
 */
async function request(method, path, body, headers = {}, key = ADMIN_KEY) {
  for (let attempt = 1; ; attempt++) {
    let response;
    try {
      response = await fetch(`${GATEWAY_URL}${path}`, {
        method,
        headers: {
          'x-api-key': key,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (e) {
      if (attempt >= ATTEMPTS)
        throw new Error(`${method} ${GATEWAY_URL}${path}: ${e.cause?.message ?? e.message}`);
      await sleep(1000);
      continue;
    }
    const text = await response.text();
    if (response.status === 503 && attempt < ATTEMPTS) {
      await sleep(1000);
      continue;
    }
    return { status: response.status, text };
  }
}

/** JSON with object keys sorted: the stored document comes back with its keys in another order. */
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Saves the demo reference data unless the stored document already is it (defaults filled in). */
async function seedReferenceData() {
  const current = await request('GET', '/v1/reference-data');
  if (current.status !== 200 && current.status !== 404) {
    throw new Error(`GET /v1/reference-data: HTTP ${current.status} ${current.text}`);
  }
  const stored = current.status === 200 ? JSON.parse(current.text) : undefined;
  if (stored && canonicalJson(stored.data) === canonicalJson(parseReferenceData(demoPult).data)) {
    console.log(`seed-demo: reference data already present (version ${stored.version})`);
    return;
  }
  // If-Match: an edit saved between the read above and this save is not overwritten.
  const headers = { 'if-match': String(stored?.version ?? 0) };
  const saved = await request('PUT', '/v1/reference-data', demoPult, headers);
  if (saved.status !== 200) throw new Error(`PUT /v1/reference-data: HTTP ${saved.status} ${saved.text}`);
  console.log(`seed-demo: reference data saved (version ${JSON.parse(saved.text).version})`);
}

/** Like request, but throws unless the answer has the expected status; returns the parsed body. */
async function requestJson(method, path, body, expected) {
  const { status, text } = await request(method, path, body);
  if (status !== expected) throw new Error(`${method} ${path}: HTTP ${status} ${text}`);
  return JSON.parse(text);
}

/** Every item of a paged management list (GET /v1/users, /v1/api-keys). */
async function listAll(path) {
  const items = [];
  let after;
  do {
    const page = await requestJson(
      'GET',
      `${path}?limit=500${after ? `&after=${after}` : ''}`,
      undefined,
      200,
    );
    items.push(...page.items);
    after = page.next;
  } while (after);
  return items;
}

/** Creates the demo users, or brings existing ones back to their demo name, e-mail and groups. */
async function seedUsers() {
  const existing = new Map((await listAll('/v1/users')).map((u) => [u.login, u]));
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const user of demoUsers) {
    const found = existing.get(user.login);
    if (!found) {
      await requestJson('POST', '/v1/users', user, 201);
      counts.created++;
    } else if (
      found.name !== user.name ||
      found.email !== user.email ||
      !found.active ||
      canonicalJson(found.groups) !== canonicalJson(user.groups)
    ) {
      const { login: _login, ...changes } = user;
      await requestJson('PATCH', `/v1/users/${found.id}`, { ...changes, active: true }, 200);
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  console.log(
    `seed-demo: users ${demoUsers.map((u) => u.login).join(', ')}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged`,
  );
}

/** The secret kept from an earlier run, when it still authenticates as the demo storefront key. */
async function keptStorefrontSecret() {
  if (!DEMO_KEY_FILE) return undefined;
  const secret = (await readFile(DEMO_KEY_FILE, 'utf8').catch(() => '')).trim();
  if (!secret) return undefined;
  const me = await request('GET', '/v1/me', undefined, {}, secret);
  return me.status === 200 && JSON.parse(me.text).keyName === storefrontKey.name ? secret : undefined;
}

/**
 * A storefront key scoped to site pult. Kept while its secret (in DEMO_KEY_FILE) works; otherwise
 * the demo keys whose secret is lost are revoked and a new one is made.
 */
async function seedStorefrontKey() {
  if (await keptStorefrontSecret()) {
    console.log(`seed-demo: demo storefront key already present (secret in ${DEMO_KEY_FILE})`);
    return;
  }
  const active = (await listAll('/v1/api-keys')).filter((k) => k.name === storefrontKey.name && !k.revokedAt);
  if (!DEMO_KEY_FILE && active.length) {
    console.log(`seed-demo: demo storefront key already present (${active[0].prefix}...)`);
    return;
  }
  for (const key of active) await requestJson('DELETE', `/v1/api-keys/${key.id}`, undefined, 200);
  const created = await requestJson('POST', '/v1/api-keys', storefrontKey, 201);
  if (DEMO_KEY_FILE) {
    await writeFile(DEMO_KEY_FILE, `${created.secret}\n`, { mode: 0o600 });
    await chmod(DEMO_KEY_FILE, 0o600);
  }
  console.log(`seed-demo: demo storefront key created for site ${SITE}: ${created.secret}`);
}

async function main() {
  if (!ADMIN_KEY) throw new Error('set GATEWAY_ADMIN_KEY to a key with every permission (npm start sets it)');
  await seedReferenceData();
  await seedUsers();
  await seedStorefrontKey();
  // A repeat answers 201 with the order created earlier: its createdAt tells the two apart.
  const startedAt = Date.now();
  let created = 0;
  let existing = 0;
  const failures = [];
  for (const { idempotencyKey, body } of orders) {
    const { status, text } = await request('POST', '/v1/orders', body, { 'idempotency-key': idempotencyKey });
    const id = body.externalId;
    if (status === 201) {
      const { createdAt } = JSON.parse(text);
      if (Date.parse(createdAt) >= startedAt) created++;
      else existing++;
    } else if (status === 409) {
      // The demo data changed since this database was seeded; the order there is left as it is.
      console.warn(`seed-demo: ${id}: kept the existing order (${text})`);
      existing++;
    } else {
      failures.push(`${id}: HTTP ${status} ${text}`);
    }
  }
  console.log(
    `seed-demo: ${created} demo orders created, ${existing} already present (site ${SITE}, ${orders.length} in total)`,
  );
  if (failures.length) {
    console.error(`seed-demo: error: ${failures.length} orders failed:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(`seed-demo: error: ${e.message}`);
  process.exit(1);
});
