-- Switchboard for Neovim: starts `switchboard lsp` for buffers of the
-- supported filetypes (one client per workspace root), shows the model's
-- inline completions as ghost text, and adds commands for the AI actions and
-- workflows. Works on Neovim 0.7 and later.
--
--   require('switchboard').setup{ cmd = { 'switchboard', 'lsp' }, settings = {...}, keymaps = {...} }
local config = require('switchboard.config')
local progress = require('switchboard.progress')
local ghost = require('switchboard.ghost')
local commands = require('switchboard.commands')
local util = require('switchboard.util')

local uv = vim.uv or vim.loop

local M = {}

local clients_by_root = {} -- root dir -> client id (Neovim 0.7, without vim.lsp.start)
local group

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while dir and dir ~= '' do
    for _, marker in ipairs(config.options.root_markers) do
      if uv.fs_stat(dir .. '/' .. marker) then return dir end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then break end
    dir = parent
  end
  return vim.fn.getcwd()
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  if config.options.capabilities then
    caps = vim.tbl_deep_extend('force', caps, config.options.capabilities)
  end
  caps.window = caps.window or {}
  caps.window.workDoneProgress = true
  caps.workspace = caps.workspace or {}
  caps.workspace.applyEdit = true
  if config.options.inline.enabled then
    -- LSP 3.18: with it the daemon offers ghost text instead of completion items.
    caps.textDocument.inlineCompletion = vim.empty_dict()
  end
  return caps
end

local function client_config(root)
  local opts = config.options
  local handlers = vim.tbl_extend('force', { ['$/progress'] = progress.handler }, opts.handlers or {})
  return {
    name = opts.name,
    cmd = opts.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = opts.settings,
    capabilities = capabilities(),
    handlers = handlers,
    on_attach = opts.on_attach,
    on_exit = function(_, _, client_id)
      if clients_by_root[root] == client_id then clients_by_root[root] = nil end
      vim.schedule(function()
        progress.reset()
        pcall(vim.cmd, 'redrawstatus')
      end)
    end,
  }
end

local function wanted(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then return false end
  if vim.api.nvim_buf_get_name(bufnr) == '' then return false end
  return vim.tbl_contains(config.options.filetypes, vim.bo[bufnr].filetype)
end

-- Starts or reuses the client for the buffer's workspace root and attaches it.
-- Returns the client id, or nil when the buffer is not one switchboard serves.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not wanted(bufnr) then return nil end
  local existing = util.client(bufnr)
  if existing then return existing.id end
  local root = find_root(vim.api.nvim_buf_get_name(bufnr))
  if vim.lsp.start then
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end
  local id = clients_by_root[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or util.is_stopped(client) then
    id = vim.lsp.start_client(client_config(root))
    if not id then
      util.notify('could not start ' .. table.concat(config.options.cmd, ' '), vim.log.levels.ERROR)
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function map_keys()
  local keys = config.options.keymaps or {}
  local actions = {
    accept = { ghost.accept, 'Accept the suggestion' },
    next = { ghost.next, 'Next suggestion' },
    prev = { ghost.prev, 'Previous suggestion' },
    dismiss = { ghost.dismiss, 'Dismiss the suggestion' },
    trigger = { ghost.trigger, 'Ask for a suggestion' },
  }
  for name, spec in pairs(actions) do
    local lhs = keys[name]
    if lhs and lhs ~= '' then
      local fallback = vim.api.nvim_replace_termcodes(lhs, true, false, true)
      vim.keymap.set('i', lhs, function()
        -- Without a suggestion, accept and dismiss keep their usual meaning.
        local handled = spec[1]()
        if not handled and (name == 'accept' or name == 'dismiss') then
          vim.api.nvim_feedkeys(fallback, 'n', false)
        end
      end, { silent = true, desc = 'switchboard: ' .. spec[2] })
    end
  end
end

function M.setup(user)
  config.set(user)
  group = vim.api.nvim_create_augroup('switchboard', { clear = true })
  ghost.setup(group)
  commands.setup()
  map_keys()
  vim.api.nvim_create_autocmd({ 'FileType', 'BufEnter' }, {
    group = group,
    callback = function(args) M.attach(args.buf) end,
  })
  -- Buffers opened before setup ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) then M.attach(bufnr) end
  end
end

-- A short status for the statusline: indexing or workflow progress, and
-- whether a suggestion is on its way or which of several is shown.
M.statusline = progress.statusline

M.trigger = ghost.trigger
M.accept = ghost.accept
M.next = ghost.next
M.prev = ghost.prev
M.dismiss = ghost.dismiss
M.execute = commands.execute

-- The switchboard client of a buffer (default: the current one), or nil;
-- also while it is still initializing (Neovim 0.7 lists only initialized
-- clients as the buffer's).
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = util.client(bufnr)
  if client or not wanted(bufnr) then return client end
  local id = clients_by_root[find_root(vim.api.nvim_buf_get_name(bufnr))]
  client = id and vim.lsp.get_client_by_id(id)
  if client and not util.is_stopped(client) then return client end
  return nil
end

return M
