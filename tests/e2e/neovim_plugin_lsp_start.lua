-- The plugin's Neovim 0.8+ branch, run in headless Neovim 0.7 with a stand-in
-- for vim.lsp.start: setup{} must use vim.lsp.start when it exists (never
-- vim.lsp.start_client) and give it the client configuration: cmd, name,
-- root_dir, workspace folders, init options, capabilities and handlers. The
-- stand-in reuses clients the way vim.lsp.start does by default (same name
-- and root_dir), so buffers of one root share a client and another root
-- gets its own. Driven by NeovimPluginTest.cpp.
-- Environment: SB_PLUGIN_DIR (editors/nvim), SB_SCRATCH (an empty folder).
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/nvim_helpers.lua')
local check, env = h.check, h.env

local function write(path, text)
  vim.fn.mkdir(vim.fn.fnamemodify(path, ':h'), 'p')
  check(vim.fn.writefile(vim.split(text, '\n', { plain = true }), path) == 0, 'cannot write %s', path)
end

local function run()
  local plugin, scratch = env('SB_PLUGIN_DIR'), env('SB_SCRATCH')
  h.scratch_xdg(scratch .. '/xdg')
  -- Two workspaces, each marked as a root.
  local a, b = scratch .. '/a', scratch .. '/b'
  vim.fn.mkdir(a .. '/.switchboard', 'p')
  vim.fn.mkdir(b .. '/.git', 'p')
  write(a .. '/x.py', 'def x():\n    return 1')
  write(a .. '/pkg/y.py', 'def y():\n    return 2')
  write(b .. '/z.go', 'package z')
  write(a .. '/notes.txt', 'not code')

  check(vim.lsp.start == nil, 'this test is for Neovim 0.7, which has no vim.lsp.start')
  local calls, clients, next_id = {}, {}, 100
  vim.lsp.start = function(config, opts)
    table.insert(calls, { config = config, opts = opts or {} })
    -- vim.lsp.start's default reuse_client: same name and root_dir.
    local key = config.name .. '\0' .. config.root_dir
    if not clients[key] then
      clients[key] = next_id
      next_id = next_id + 1
    end
    return clients[key]
  end
  local start_client_used = false
  vim.lsp.start_client = function()
    start_client_used = true
    return nil
  end

  vim.opt.runtimepath:prepend(plugin)
  local settings = { switchboard = { completion = { maxTokens = 5 } } }
  local cmd = { '/opt/switchboard/bin/switchboard', 'lsp', '--log-level', 'info' }
  local on_attach = function() end
  require('switchboard').setup({ cmd = cmd, settings = settings, on_attach = on_attach })

  local function open(path)
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    return vim.api.nvim_get_current_buf()
  end
  local function calls_for(bufnr)
    local out = {}
    for _, c in ipairs(calls) do
      if c.opts.bufnr == bufnr then table.insert(out, c) end
    end
    return out
  end

  local x = open(a .. '/x.py')
  check(#calls_for(x) >= 1, 'opening x.py did not call vim.lsp.start: %s', vim.inspect(calls))
  local c = calls_for(x)[1].config
  check(vim.deep_equal(c.cmd, cmd), 'cmd %s', vim.inspect(c.cmd))
  check(c.name == 'switchboard', 'name %s', tostring(c.name))
  check(c.root_dir == a, 'root_dir %s, expected %s', tostring(c.root_dir), a)
  check(vim.deep_equal(c.workspace_folders, { { uri = vim.uri_from_fname(a), name = a } }),
    'workspace_folders %s', vim.inspect(c.workspace_folders))
  check(vim.deep_equal(c.init_options, settings), 'init_options %s', vim.inspect(c.init_options))
  check(c.on_attach == on_attach, 'on_attach is not the one given to setup')
  check(type(c.on_exit) == 'function', 'no on_exit')
  check(type(c.handlers['$/progress']) == 'function', 'no $/progress handler')
  check(c.capabilities.window.workDoneProgress == true, 'workDoneProgress not declared')
  check(c.capabilities.workspace.applyEdit == true, 'applyEdit not declared')
  check(c.capabilities.textDocument.inlineCompletion ~= nil, 'inlineCompletion not declared')
  check(require('switchboard').attach(x) == 100, 'attach does not return the client id')

  -- Another file of the same root: the same configuration, so the same client.
  local y = open(a .. '/pkg/y.py')
  check(#calls_for(y) >= 1, 'opening pkg/y.py did not call vim.lsp.start')
  for _, call in ipairs(calls_for(y)) do
    check(call.config.root_dir == a and call.config.name == 'switchboard', 'pkg/y.py: root_dir %s',
      tostring(call.config.root_dir))
  end
  check(require('switchboard').attach(y) == 100, 'pkg/y.py did not reuse the client of its root')

  -- Another root: its own client.
  local z = open(b .. '/z.go')
  check(#calls_for(z) >= 1, 'opening z.go did not call vim.lsp.start')
  check(calls_for(z)[1].config.root_dir == b, 'z.go: root_dir %s', tostring(calls_for(z)[1].config.root_dir))
  check(require('switchboard').attach(z) == 101, 'z.go shares a client with another root')

  -- A file the daemon does not parse gets no client.
  local before = #calls
  local txt = open(a .. '/notes.txt')
  check(#calls == before and require('switchboard').attach(txt) == nil, 'a text file got a client')

  check(not start_client_used, 'vim.lsp.start_client was used although vim.lsp.start exists')
end

h.run('e2e_neovim_plugin_lsp_start', run)
