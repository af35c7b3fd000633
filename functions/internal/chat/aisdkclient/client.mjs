// Reads the Go co-pilot's answers with the AI SDK's own client code: the
// DefaultChatTransport useChat uses (POST, then the UI message stream parsed
// and validated against the SDK's chunk schema) and readUIMessageStream
// (chunks assembled into UI messages). Two turns, the second sending the
// first answer back as history. Prints {turns: [{message, errors}]}.
// Usage: node client.mjs <base URL> [token]
import { DefaultChatTransport, readUIMessageStream } from "ai";

const [base, token] = process.argv.slice(2);
const transport = new DefaultChatTransport({
  api: `${base}/api/chat`,
  headers: token ? { authorization: `Bearer ${token}` } : undefined,
});

async function turn(messages) {
  const errors = [];
  const stream = await transport.sendMessages({ chatId: "chat-1", messages, trigger: "submit-message", messageId: undefined, abortSignal: undefined });
  let message;
  for await (const m of readUIMessageStream({ stream, terminateOnError: true, onError: (e) => errors.push(String(e?.message ?? e)) })) {
    message = m;
  }
  return { message, errors };
}

const question = (id, text) => ({ id, role: "user", parts: [{ type: "text", text }] });
const history = [question("u1", "Who is winning?")];
const first = await turn(history);
history.push(first.message, question("u2", "And what did you just look at?"));
const second = await turn(history);
console.log(JSON.stringify({ turns: [first, second] }));
