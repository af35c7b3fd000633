// Package prompt renders what the models read: a system prompt per variant
// (seven personas) and one user prompt with the cycle's data. The texts live
// in editable text/template files under templates/, embedded at build time;
// Load reads the same layout from any directory so operators can iterate on
// wording without a rebuild.
//
// A prompt may only ask for data the user prompt supplies: system prompts
// name data by the exact labels the user prompt prints (in backticks), and a
// test checks every such name against a rendered user prompt.
package prompt
