-- End-to-end test of the workspace index with Neovim 0.7 as the LSP client
-- (ctest e2e_neovim_index): workspace/symbol and go-to-definition across two
-- files of a scratch copy of tests/data/workspace.
-- Run as: nvim --headless --clean -n -i NONE -c 'luafile neovim_index.lua'
-- Environment: SB_BINARY, SB_WORKSPACE_FIXTURE_DIR, SB_SCRATCH_DIR (a folder
-- under the build tree for the copy and the index database).
-- Exits 0 on success; on failure prints the reason and exits 3.

local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/nvim_helpers.lua')
local check, env = h.check, h.env
local TIMEOUT_MS = h.TIMEOUT_MS

local function request(bufnr, client_id, method, params)
  local replies, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT_MS)
  check(replies, '%s failed: %s', method, tostring(err))
  local reply = replies[client_id]
  check(reply, 'no %s reply from switchboard', method)
  check(not reply.err, '%s error: %s', method, vim.inspect(reply.err))
  return reply.result
end

local scratch

local function run()
  local binary = env('SB_BINARY')
  local fixture = env('SB_WORKSPACE_FIXTURE_DIR')
  check(vim.fn.executable(binary) == 1, 'switchboard binary %s is not executable', binary)
  scratch = env('SB_SCRATCH_DIR') .. '/nvim-index-' .. vim.fn.getpid()
  vim.fn.delete(scratch, 'rf')
  local ws = scratch .. '/ws'
  for _, rel in ipairs({ 'py/app.py', 'py/geometry.py', 'c/main.c', 'c/shapes.c', 'c/shapes.h',
                         'ts/cart.ts', 'ts/format.ts' }) do
    h.copy_file(fixture .. '/' .. rel, ws .. '/' .. rel)
  end

  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/py/app.py'))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'python'

  local exit_code, exit_signal
  local client_id = vim.lsp.start_client({
    name = 'switchboard',
    cmd = { binary, 'lsp', '--index-dir', scratch .. '/index' },
    root_dir = ws,
    on_exit = function(code, signal)
      exit_code, exit_signal = code, signal
    end,
  })
  check(client_id, 'vim.lsp.start_client failed')
  check(vim.lsp.buf_attach_client(bufnr, client_id), 'buf_attach_client failed')
  local ok = vim.wait(TIMEOUT_MS, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return exit_code ~= nil or (c ~= nil and c.initialized)
  end, 20)
  check(exit_code == nil, 'switchboard exited during initialize with code %s', tostring(exit_code))
  check(ok, 'switchboard did not finish initialize')

  -- 1. workspace/symbol, polled until the background indexing has found it.
  local found
  ok = vim.wait(TIMEOUT_MS, function()
    local result = request(bufnr, client_id, 'workspace/symbol', { query = 'area_of_circle' })
    for _, s in ipairs(result or {}) do
      if s.name == 'area_of_circle' then
        found = s
        return true
      end
    end
    return false
  end, 50)
  check(ok and found, 'workspace/symbol never found area_of_circle')
  local geometry_uri = vim.uri_from_fname(ws .. '/py/geometry.py')
  check(found.location.uri == geometry_uri, 'area_of_circle is in %s, expected %s', found.location.uri,
    geometry_uri)
  check(found.location.range.start.line == 5 and found.location.range.start.character == 4,
    'area_of_circle at %s, expected line 5 col 4', vim.inspect(found.location.range.start))

  -- 2. Definition from the call site in py/app.py (line 4, 0-based) into py/geometry.py.
  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr),
                   position = { line = 4, character = 25 } }
  local defs = request(bufnr, client_id, 'textDocument/definition', params)
  check(type(defs) == 'table', 'definition result is %s', vim.inspect(defs))
  if defs.uri then defs = { defs } end
  check(#defs == 1, 'expected one definition, got %s', vim.inspect(defs))
  check(defs[1].uri == geometry_uri, 'definition in %s, expected %s', defs[1].uri, geometry_uri)
  check(defs[1].range.start.line == 5 and defs[1].range.start.character == 4 and
        defs[1].range['end'].character == 18, 'definition range %s', vim.inspect(defs[1].range))

  -- 3. Neovim's own jump lands there too.
  vim.api.nvim_win_set_cursor(0, { 5, 25 })
  vim.lsp.buf.definition()
  ok = vim.wait(TIMEOUT_MS, function()
    return vim.api.nvim_buf_get_name(0) == ws .. '/py/geometry.py'
  end, 20)
  check(ok, 'vim.lsp.buf.definition() did not open geometry.py (current: %s)', vim.api.nvim_buf_get_name(0))
  local cursor = vim.api.nvim_win_get_cursor(0)
  check(cursor[1] == 6 and cursor[2] == 4, 'cursor at %s, expected {6, 4}', vim.inspect(cursor))

  vim.lsp.stop_client(client_id)
  ok = vim.wait(TIMEOUT_MS, function() return exit_code ~= nil end, 20)
  check(ok, 'switchboard did not exit after shutdown + exit')
  check(exit_code == 0 and (exit_signal or 0) == 0, 'switchboard exited with code %s signal %s',
    tostring(exit_code), tostring(exit_signal))
end

h.run('e2e_neovim_index', function()
  local ok, err = pcall(run)
  if scratch then vim.fn.delete(scratch, 'rf') end
  if not ok then error(err, 0) end
end)
