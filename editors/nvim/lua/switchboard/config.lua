-- Defaults and the merged configuration of require('switchboard').setup{}.
local M = {}

M.defaults = {
  -- The daemon command line; `switchboard` must be on PATH otherwise.
  cmd = { 'switchboard', 'lsp' },
  name = 'switchboard',
  -- Buffers of these filetypes get the client (the languages the daemon parses).
  filetypes = {
    'c', 'cpp', 'python', 'javascript', 'javascriptreact', 'typescript', 'typescriptreact',
    'go', 'rust', 'java', 'json', 'sh', 'bash',
  },
  -- The first ancestor folder holding one of these is the workspace root
  -- (one client per root); else the current directory.
  root_markers = { '.switchboard', '.git', '.hg', 'compile_commands.json', 'pyproject.toml',
                   'package.json', 'go.mod', 'Cargo.toml' },
  -- Sent as initializationOptions: backends, cache, completion budgets
  -- (docs/configuration.md), either { switchboard = {...} } or the object itself.
  settings = nil,
  inline = {
    enabled = true,
    auto_trigger = true, -- ask after typing pauses in insert mode
    debounce_ms = 150,
    hl_group = 'SwitchboardGhost', -- linked to Comment unless already defined
  },
  -- Insert-mode keys; false (or '') leaves one unmapped.
  keymaps = {
    accept = '<M-l>',
    next = '<M-]>',
    prev = '<M-[>',
    dismiss = '<C-]>',
    trigger = '<M-\\>',
  },
  on_attach = nil, -- function(client, bufnr)
  capabilities = nil, -- merged over Neovim's client capabilities
  handlers = nil, -- extra LSP handlers for this client
}

M.options = vim.deepcopy(M.defaults)

function M.set(user)
  user = user or {}
  vim.validate({
    cmd = { user.cmd, 'table', true },
    settings = { user.settings, 'table', true },
    keymaps = { user.keymaps, 'table', true },
    inline = { user.inline, 'table', true },
    filetypes = { user.filetypes, 'table', true },
  })
  local merged = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), user)
  -- Lists replace rather than merge index by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if user[key] then merged[key] = vim.deepcopy(user[key]) end
  end
  if user.settings then merged.settings = vim.deepcopy(user.settings) end
  M.options = merged
  return merged
end

return M
