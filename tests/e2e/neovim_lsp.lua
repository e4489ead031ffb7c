-- End-to-end test with Neovim 0.7 as the LSP client (ctest e2e_neovim_lsp).
-- Run as: nvim --headless --clean -n -i NONE -c 'luafile neovim_lsp.lua'
-- Environment: SB_BINARY (the switchboard binary), SB_E2E_DATA_DIR (fixtures).
-- Exits 0 on success; on failure prints the reason and exits 3.

local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/nvim_helpers.lua')
local check, env = h.check, h.env
local TIMEOUT_MS = h.TIMEOUT_MS

-- Names of a DocumentSymbol list as "outer/inner" paths, in order.
local function symbol_paths(symbols, prefix, out)
  out = out or {}
  for _, s in ipairs(symbols or {}) do
    local path = (prefix or '') .. s.name
    table.insert(out, path)
    symbol_paths(s.children, path .. '/', out)
  end
  return out
end

local function document_symbols(bufnr, client_id)
  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
  local replies, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/documentSymbol', params, TIMEOUT_MS)
  check(replies, 'documentSymbol failed: %s', tostring(err))
  local reply = replies[client_id]
  check(reply, 'no documentSymbol reply from switchboard')
  check(not reply.err, 'documentSymbol error: %s', vim.inspect(reply.err))
  check(type(reply.result) == 'table', 'documentSymbol result is %s', vim.inspect(reply.result))
  -- Neovim advertises hierarchicalDocumentSymbolSupport: expect DocumentSymbol, not SymbolInformation.
  for _, s in ipairs(reply.result) do
    check(s.selectionRange ~= nil and s.location == nil, 'expected DocumentSymbol, got %s', vim.inspect(s))
  end
  return reply.result
end

local function expect_paths(symbols, expected, when)
  local actual = symbol_paths(symbols)
  check(vim.deep_equal(actual, expected), '%s: symbols are %s, expected %s', when,
    table.concat(actual, ', '), table.concat(expected, ', '))
end

local function find_symbol(symbols, name)
  for _, s in ipairs(symbols) do
    if s.name == name then return s end
    local inner = find_symbol(s.children or {}, name)
    if inner then return inner end
  end
end

local function run()
  local binary = env('SB_BINARY')
  local data = env('SB_E2E_DATA_DIR')
  check(vim.fn.executable(binary) == 1, 'switchboard binary %s is not executable', binary)

  -- Log the RPC traffic so the test can prove the edits went out as incremental changes.
  -- Truncate rather than delete: the logger already holds the file open in append mode.
  local f = io.open(vim.lsp.get_log_path(), 'w')
  if f then f:close() end
  vim.lsp.set_log_level('debug')

  vim.cmd('edit ' .. vim.fn.fnameescape(data .. '/greeter.py'))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'python'

  local exit_code, exit_signal
  local client_id = vim.lsp.start_client({
    name = 'switchboard',
    cmd = { binary, 'lsp', '--diagnostics-delay-ms', '50' },
    root_dir = data,
    flags = { debounce_text_changes = 0 },
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
  check(ok, 'switchboard did not finish initialize (exit code %s)', tostring(exit_code))
  local client = vim.lsp.get_client_by_id(client_id)
  local sync = client.server_capabilities.textDocumentSync
  check(type(sync) == 'table' and sync.change == 2, 'server does not offer incremental sync: %s',
    vim.inspect(sync))

  -- 1. The outline of the file as opened: names and nesting (0-based positions).
  local symbols = document_symbols(bufnr, client_id)
  expect_paths(symbols, { 'Greeter', 'Greeter/__init__', 'Greeter/greet', 'make_greeter' }, 'on open')
  local greet = find_symbol(symbols, 'greet')
  check(greet.selectionRange.start.line == 7 and greet.selectionRange.start.character == 8,
    'greet selectionRange starts at %s, expected line 7 col 8', vim.inspect(greet.selectionRange.start))
  check(#vim.diagnostic.get(bufnr) == 0, 'unexpected diagnostics on a clean file: %s',
    vim.inspect(vim.diagnostic.get(bufnr)))

  -- 2. Delete the ')' of "def greet(self):" (line 7, 0-based): a syntax error.
  vim.api.nvim_buf_set_text(bufnr, 7, 18, 7, 19, { '' })
  check(vim.api.nvim_buf_get_lines(bufnr, 7, 8, true)[1] == '    def greet(self:', 'edit went wrong')
  ok = vim.wait(TIMEOUT_MS, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
  check(ok, 'no diagnostics within %d ms after introducing a syntax error', TIMEOUT_MS)
  local diags = vim.diagnostic.get(bufnr)
  check(diags[1].lnum == 7, 'diagnostic on line %d, expected 7: %s', diags[1].lnum, vim.inspect(diags))
  check(diags[1].severity == vim.diagnostic.severity.ERROR, 'diagnostic is not an error: %s',
    vim.inspect(diags[1]))

  -- 3. Put the ')' back: the diagnostics must clear.
  vim.api.nvim_buf_set_text(bufnr, 7, 18, 7, 18, { ')' })
  ok = vim.wait(TIMEOUT_MS, function() return #vim.diagnostic.get(bufnr) == 0 end, 20)
  check(ok, 'diagnostics did not clear after the fix: %s', vim.inspect(vim.diagnostic.get(bufnr)))

  -- 4. Rename make_greeter (line 11, columns 4-16) and add a line: the outline follows.
  vim.api.nvim_buf_set_text(bufnr, 11, 4, 11, 16, { 'build_greeter' })
  vim.api.nvim_buf_set_lines(bufnr, -1, -1, true, { '', '', 'def farewell():', '    pass' })
  symbols = document_symbols(bufnr, client_id)
  expect_paths(symbols, { 'Greeter', 'Greeter/__init__', 'Greeter/greet', 'build_greeter', 'farewell' },
    'after renaming make_greeter and adding farewell')
  local farewell = find_symbol(symbols, 'farewell')
  check(farewell.selectionRange.start.line == 15, 'farewell on line %d, expected 15',
    farewell.selectionRange.start.line)

  -- 5. The edits went out as ranged (incremental) didChange notifications.
  local log = table.concat(vim.fn.readfile(vim.lsp.get_log_path()), '\n')
  check(log:find('textDocument/didChange', 1, true), 'no didChange in the LSP log')
  check(log:find('rangeLength', 1, true) or log:find('range = {', 1, true),
    'didChange carried no ranges: Neovim sent full-text sync')

  -- 6. A clean stop: shutdown + exit, and the daemon exits 0.
  vim.lsp.stop_client(client_id)
  ok = vim.wait(TIMEOUT_MS, function() return exit_code ~= nil end, 20)
  check(ok, 'switchboard did not exit after shutdown + exit')
  check(exit_code == 0 and (exit_signal or 0) == 0, 'switchboard exited with code %s signal %s',
    tostring(exit_code), tostring(exit_signal))
end

h.run('e2e_neovim_lsp', run)
