package arena

// ProviderOpenAI is any other OpenAI-compatible chat-completions server (a
// local llama.cpp, vLLM or Ollama, or OpenAI itself), reached at a configured
// base URL.
const ProviderOpenAI Provider = "openai"
