-- Shared helpers for the headless Neovim end-to-end tests (Neovim 0.7+).
-- Load with: local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/nvim_helpers.lua')
--
-- A Lua error leaves headless Neovim hanging, so every test runs through
-- h.run (synchronous steps) or h.run_async (steps that need the main loop:
-- typed keys, insert mode, autocommands): success prints "NAME: OK" on stdout
-- and quits 0; failure prints "NAME: FAILED: reason" and quits 3.
local M = {}

M.TIMEOUT_MS = 10000

function M.fail(fmt, ...)
  error(string.format(fmt, ...), 0)
end

function M.check(cond, fmt, ...)
  if not cond then M.fail(fmt, ...) end
  return cond
end

function M.env(name)
  local v = os.getenv(name)
  M.check(v and v ~= '', 'environment variable %s is not set', name)
  return v
end

function M.copy_file(from, to)
  local lines = vim.fn.readfile(from, 'b')
  M.check(#lines > 0, 'cannot read fixture %s', from)
  vim.fn.mkdir(vim.fn.fnamemodify(to, ':h'), 'p')
  M.check(vim.fn.writefile(lines, to, 'b') == 0, 'cannot write %s', to)
end

-- Points the XDG folders of the processes this test starts (the daemon) at
-- `root`, so nothing lands in the home directory and no user config is read.
-- Neovim's own folders come from the environment it was started with.
function M.scratch_xdg(root)
  for _, name in ipairs({ 'config', 'data', 'state', 'cache' }) do
    local dir = root .. '/' .. name
    vim.fn.mkdir(dir, 'p')
    vim.env['XDG_' .. name:upper() .. '_HOME'] = dir
  end
  return root
end

local function in_coroutine()
  local co, main = coroutine.running()
  return co ~= nil and not main
end

-- Waits until cond() is true (false on timeout). Inside h.run_async it yields
-- to the main loop (keys, autocommands and timers run); otherwise vim.wait.
function M.wait_until(cond, timeout_ms, interval_ms)
  timeout_ms = timeout_ms or M.TIMEOUT_MS
  interval_ms = interval_ms or 20
  if not in_coroutine() then
    return vim.wait(timeout_ms, cond, interval_ms) == true
  end
  local deadline = vim.loop.now() + timeout_ms
  local co = coroutine.running()
  while true do
    if cond() then return true end
    if vim.loop.now() >= deadline then return false end
    vim.defer_fn(function() coroutine.resume(co) end, interval_ms)
    coroutine.yield()
  end
end

function M.sleep(ms)
  local start = vim.loop.now()
  M.wait_until(function() return vim.loop.now() - start >= ms end, ms + 1000, math.min(ms, 20))
end

-- Types `keys` (with <Key> notation) as if from the keyboard, mappings applied.
-- They run once the test yields (h.wait_until / h.sleep in h.run_async).
function M.feed(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'mt', false)
end

-- Waits for a client's initialize handshake; fails if the server exits first.
-- exited() tells whether on_exit has run.
function M.wait_initialized(client_id, exited)
  local ok = M.wait_until(function()
    local c = vim.lsp.get_client_by_id(client_id)
    return (exited and exited()) or (c ~= nil and c.initialized)
  end)
  M.check(not (exited and exited()), 'the server exited during initialize')
  M.check(ok, 'the server did not finish initialize within %d ms', M.TIMEOUT_MS)
  return vim.lsp.get_client_by_id(client_id)
end

-- A request through one client; returns the result, fails on error or timeout.
function M.request(client, method, params, bufnr)
  local done, err, result = false, nil, nil
  local ok = client.request(method, params, function(e, r)
    done, err, result = true, e, r
  end, bufnr)
  M.check(ok, '%s could not be sent', method)
  M.check(M.wait_until(function() return done end), 'no answer to %s within %d ms', method, M.TIMEOUT_MS)
  M.check(not err, '%s failed: %s', method, vim.inspect(err))
  return result
end

local function finish(name, ok, err)
  if ok then
    io.stdout:write(name .. ': OK\n')
    io.stdout:flush()
    vim.cmd('qall!')
  else
    io.stdout:write(name .. ': FAILED: ' .. tostring(err) .. '\n')
    io.stdout:flush()
    vim.cmd('cquit 3')
  end
end

-- Runs fn() synchronously and quits with its outcome.
function M.run(name, fn)
  local ok, err = pcall(fn)
  finish(name, ok, err)
end

-- Runs fn() as a coroutine driven by the main loop, so typed keys, mode
-- changes and autocommands happen between its steps; quits with its
-- outcome, or fails after timeout_ms overall.
function M.run_async(name, fn, timeout_ms)
  local finished = false
  local function done(ok, err)
    if finished then return end
    finished = true
    finish(name, ok, err)
  end
  vim.defer_fn(function() done(false, 'the test did not finish within ' .. timeout_ms .. ' ms') end, timeout_ms)
  local co = coroutine.create(function()
    local ok, err = pcall(fn)
    vim.schedule(function() done(ok, err) end)
  end)
  vim.schedule(function()
    local ok, err = coroutine.resume(co)
    if not ok then done(false, err) end
  end)
end

return M
