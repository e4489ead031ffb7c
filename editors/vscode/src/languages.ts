/** The VS Code language ids of the files the daemon parses (its tree-sitter grammars). */
export const LANGUAGES: readonly string[] = [
  'c',
  'cpp',
  'python',
  'javascript',
  'javascriptreact',
  'typescript',
  'typescriptreact',
  'go',
  'rust',
  'java',
  'json',
  'jsonc',
  'shellscript',
];
