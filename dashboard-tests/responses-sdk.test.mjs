// The official openai Node package against a running Tollgate: responses.create plain, streamed, and a
// function tool round trip. Writes what it saw to $ARTIFACTS/observations.json for ResponsesNodeSdkTest.
import OpenAI from 'openai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const seen = {};
const save = () => writeFileSync(join(process.env.ARTIFACTS, 'observations.json'), JSON.stringify(seen, null, 2));
const client = new OpenAI({ baseURL: process.env.BASE_URL + '/v1', apiKey: process.env.API_KEY, maxRetries: 0, timeout: 20_000 });

try {
  const plain = await client.responses.create({ model: 'gpt-4o-mini', instructions: 'Be terse.', input: 'Capital of France?' });
  seen.plain = { id: plain.id, status: plain.status, text: plain.output_text, usage: plain.usage };

  const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Capital of Italy?', stream: true });
  const types = [];
  let text = '';
  let completed = null;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') completed = event.response;
  }
  seen.streamed = { types, text, completedText: completed ? completed.output.flatMap((item) => item.content ?? []).map((part) => part.text ?? '').join('') : null, usage: completed?.usage ?? null };

  const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: false }];
  const first = await client.responses.create({ model: 'gpt-4o-mini', input: 'Weather in Paris?', tools });
  const call = first.output.find((item) => item.type === 'function_call');
  const second = await client.responses.create({
    model: 'gpt-4o-mini', tools, previous_response_id: first.id,
    input: [{ type: 'function_call_output', call_id: call.call_id, output: '18C' }],
  });
  seen.tool = { name: call.name, callId: call.call_id, arguments: call.arguments, answer: second.output_text };
  save();
} catch (e) {
  seen.failed = String(e?.message ?? e);
  save();
  process.exit(1);
}
