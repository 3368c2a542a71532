// Drives a real LLM SDK through Tokentap for the module's end-to-end tests.
// usage: node client.mjs <anthropic|openai-chat|openai-responses> <proxy|base> <stream|json>
// proxy: the SDK talks to the real host name through HTTPS_PROXY (Node 20's fetch ignores the variable, so the
//        proxy is passed as an undici dispatcher); trust comes from NODE_EXTRA_CA_CERTS.
// base:  the SDK's base URL is TOKENTAP_BASE_URL (http://127.0.0.1:PORT/anthropic or /openai).
// Prints one JSON line: what the SDK itself reports as usage.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ProxyAgent } from 'undici';

const [provider, mode, shape] = process.argv.slice(2);
const fetchOptions = mode === 'proxy' ? { dispatcher: new ProxyAgent(process.env.HTTPS_PROXY) } : undefined;
const baseURL = mode === 'base' ? process.env.TOKENTAP_BASE_URL : undefined;
const stream = shape === 'stream';
const messages = [{ role: 'user', content: 'Say hello in five words.' }];

async function anthropic() {
  const client = new Anthropic({ apiKey: 'sk-ant-e2e-secret', baseURL, fetchOptions, maxRetries: 0 });
  const request = { model: 'claude-sonnet-4-5', max_tokens: 64, messages };
  const message = stream
    ? await client.messages.stream(request).finalMessage()
    : await client.messages.create(request);
  return { id: message.id, model: message.model, usage: message.usage };
}

async function openaiChat() {
  const client = new OpenAI({ apiKey: 'sk-e2e-secret', baseURL: baseURL && baseURL + '/v1', fetchOptions, maxRetries: 0 });
  if (!stream) {
    const completion = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
    return { id: completion.id, model: completion.model, usage: completion.usage };
  }
  let last = null;
  let id = null;
  for await (const chunk of await client.chat.completions.create({ model: 'gpt-4.1-mini', messages, stream: true })) {
    id = chunk.id;
    if (chunk.usage) last = chunk.usage;
  }
  return { id, usage: last };
}

async function openaiResponses() {
  const client = new OpenAI({ apiKey: 'sk-e2e-secret', baseURL: baseURL && baseURL + '/v1', fetchOptions, maxRetries: 0 });
  if (!stream) {
    const response = await client.responses.create({ model: 'gpt-5-codex', input: 'Say hello.' });
    return { id: response.id, model: response.model, usage: response.usage };
  }
  let completed = null;
  for await (const event of await client.responses.create({ model: 'gpt-5-codex', input: 'Say hello.', stream: true })) {
    if (event.type === 'response.completed') completed = event.response;
  }
  return { id: completed?.id, model: completed?.model, usage: completed?.usage };
}

const run = { anthropic, 'openai-chat': openaiChat, 'openai-responses': openaiResponses }[provider];
if (!run) {
  console.error(`unknown provider ${provider}`);
  process.exit(2);
}
try {
  console.log(JSON.stringify(await run()));
} catch (error) {
  console.error(`${error.constructor.name}: ${error.message}`);
  process.exit(1);
}
