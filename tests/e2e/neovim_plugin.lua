-- End-to-end test of the Neovim plugin (editors/nvim) in headless Neovim 0.7,
-- driven by NeovimPluginTest.cpp, which runs the fake LLM backend and checks
-- the prompts it received once this script has quit.
-- Run as: nvim --headless --clean -n -i NONE -c 'luafile neovim_plugin.lua'
-- Environment: SB_BINARY, SB_PLUGIN_DIR (editors/nvim), SB_WORKSPACE (main.py
-- uses with_vat from shop/pricing.py), SB_SCRATCH (index, XDG folders),
-- SB_REPLY_1 and SB_REPLY_2 (the fake backend's first two replies; later ones
-- repeat SB_REPLY_1), OPENAI_BASE_URL (the fake backend).
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/nvim_helpers.lua')
local check, env = h.check, h.env

-- The plugin's ghost-text extmarks: { row, col, first line, further lines }.
local function ghost_marks(ns, bufnr)
  local out = {}
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, { details = true })) do
    local d = m[4]
    local first = d.virt_text and d.virt_text[1] and d.virt_text[1][1]
    local rest = {}
    for _, chunks in ipairs(d.virt_lines or {}) do table.insert(rest, chunks[1][1]) end
    table.insert(out, { row = m[2], col = m[3], first = first, rest = rest, hl = d.virt_text[1][2] })
  end
  return out
end

local function expect_ghost(ns, bufnr, row, col, text, when)
  local lines = vim.split(text, '\n', { plain = true })
  local ok = h.wait_until(function()
    local marks = ghost_marks(ns, bufnr)
    return #marks == 1 and marks[1].first == lines[1]
  end)
  local marks = ghost_marks(ns, bufnr)
  check(ok, '%s: expected ghost text %q, extmarks are %s', when, text, vim.inspect(marks))
  check(marks[1].row == row and marks[1].col == col, '%s: ghost text at %d:%d, expected %d:%d', when,
    marks[1].row, marks[1].col, row, col)
  check(marks[1].hl == 'SwitchboardGhost', '%s: highlight %s', when, tostring(marks[1].hl))
  local rest = { unpack(lines, 2) }
  check(vim.deep_equal(marks[1].rest, rest), '%s: virtual lines %s, expected %s', when,
    vim.inspect(marks[1].rest), vim.inspect(rest))
end

local function expect_no_ghost(ns, bufnr, when)
  local ok = h.wait_until(function() return #ghost_marks(ns, bufnr) == 0 end)
  check(ok, '%s: ghost text still shown: %s', when, vim.inspect(ghost_marks(ns, bufnr)))
end

local function wait_mode(mode)
  check(h.wait_until(function() return vim.api.nvim_get_mode().mode == mode end),
    'expected mode %s, in %s', mode, vim.api.nvim_get_mode().mode)
end

local function run()
  local binary, plugin = env('SB_BINARY'), env('SB_PLUGIN_DIR')
  local ws, scratch = env('SB_WORKSPACE'), env('SB_SCRATCH')
  local reply1, reply2 = env('SB_REPLY_1'), env('SB_REPLY_2')
  env('OPENAI_BASE_URL')
  h.scratch_xdg(scratch .. '/xdg')

  vim.opt.runtimepath:prepend(plugin)
  local sb = require('switchboard')
  local ghost = require('switchboard.ghost')
  local commands = require('switchboard.commands')
  sb.setup({
    cmd = { binary, 'lsp', '--index-dir', scratch .. '/index' },
    -- initializationOptions: the driver checks the qwen template reached the
    -- prompt; no response cache, so asking again reaches the backend again.
    settings = { switchboard = { completion = { fimTemplate = 'qwen', debounceMs = 10 }, cache = { maxTemperature = -1 } } },
    inline = { auto_trigger = false, debounce_ms = 30 },
  })
  local statuses = {}
  vim.api.nvim_create_autocmd('User', {
    pattern = 'SwitchboardStatus',
    callback = function() table.insert(statuses, sb.statusline()) end,
  })

  -- 1. Opening a Python file starts the daemon and attaches it, with inline completion.
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/main.py'))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'python', 'filetype is %q', vim.bo[bufnr].filetype)
  local client = sb.client(bufnr)
  check(client, 'no switchboard client attached to main.py')
  local client_id = client.id
  client = h.wait_initialized(client_id, function() return vim.lsp.get_client_by_id(client_id) == nil end)
  check(client.config.root_dir == ws, 'root dir %s, expected %s', tostring(client.config.root_dir), ws)
  check(client.server_capabilities.inlineCompletionProvider,
    'the daemon did not offer inline completion: %s', vim.inspect(client.server_capabilities))
  check(client.server_capabilities.completionProvider == nil, 'completion items offered as well')
  -- A second buffer of the same root reuses the client.
  vim.cmd('split ' .. vim.fn.fnameescape(ws .. '/shop/pricing.py'))
  check(sb.client() and sb.client().id == client_id, 'pricing.py got another client')
  vim.cmd('close')
  check(vim.api.nvim_get_current_buf() == bufnr, 'not back in main.py')

  -- Wait for the index, so the prompt can carry with_vat's definition.
  check(h.wait_until(function()
    local symbols = h.request(client, 'workspace/symbol', { query = 'with_vat' }, bufnr)
    return symbols and #symbols > 0
  end, 10000, 100), 'the index never found with_vat')

  -- 2. Manual trigger at the end of "    ret" (line 4): the reply shows as ghost text.
  local ns = ghost.ns
  h.feed('4GA')
  wait_mode('i')
  check(vim.api.nvim_win_get_cursor(0)[2] == 7, 'cursor at %s', vim.inspect(vim.api.nvim_win_get_cursor(0)))
  h.feed('<M-\\>')
  expect_ghost(ns, bufnr, 3, 7, reply1, 'after the trigger key')
  check(sb.statusline() == '', 'statusline with one suggestion: %q', sb.statusline())

  -- 3. Next asks for another (the backend's second reply, two lines), previous goes back.
  h.feed('<M-]>')
  expect_ghost(ns, bufnr, 3, 7, reply2, 'after next')
  check(sb.statusline() == 'SB 2/2', 'statusline after next: %q', sb.statusline())
  h.feed('<M-[>')
  expect_ghost(ns, bufnr, 3, 7, reply1, 'after previous')
  check(ghost.current().index == 1 and ghost.current().count == 2, 'current: %s', vim.inspect(ghost.current()))

  -- 4. Dismiss clears it; the buffer is unchanged.
  h.feed('<C-]>')
  expect_no_ghost(ns, bufnr, 'after dismiss')
  check(vim.api.nvim_buf_get_lines(bufnr, 3, 4, true)[1] == '    ret', 'dismiss changed the line')

  -- 5. Trigger again and accept: exactly the suggestion is inserted, the cursor after it.
  h.feed('<M-\\>')
  expect_ghost(ns, bufnr, 3, 7, reply1, 'after the second trigger')
  h.feed('<M-l>')
  check(h.wait_until(function() return not ghost.visible() end), 'accept left the suggestion')
  h.sleep(50)
  local line = vim.api.nvim_buf_get_lines(bufnr, 3, 4, true)[1]
  check(line == '    ret' .. reply1, 'after accept line 4 is %q, expected %q', line, '    ret' .. reply1)
  check(vim.api.nvim_buf_line_count(bufnr) == 6, 'accept added lines: %s',
    vim.inspect(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)))
  local cur = vim.api.nvim_win_get_cursor(0)
  check(cur[1] == 4 and cur[2] == #line, 'cursor after accept at %s, expected {4, %d}', vim.inspect(cur), #line)
  check(vim.api.nvim_get_mode().mode == 'i', 'accept left insert mode')
  expect_no_ghost(ns, bufnr, 'after accept')

  -- 6. Automatic trigger after typing, cleared by moving the cursor and by leaving insert mode.
  vim.cmd('SwitchboardAutoComplete on')
  h.feed('<CR>return tot')
  check(h.wait_until(function() return ghost.visible() end), 'no automatic suggestion after typing')
  local marks = ghost_marks(ns, bufnr)
  cur = vim.api.nvim_win_get_cursor(0)
  check(#marks == 1 and marks[1].row == cur[1] - 1 and marks[1].col == cur[2] and cur[1] == 5,
    'automatic ghost at %s, cursor at %s', vim.inspect(marks), vim.inspect(cur))
  h.feed('<Left>')
  expect_no_ghost(ns, bufnr, 'after moving the cursor')
  h.feed('<Right>a')
  check(h.wait_until(function() return ghost.visible() end), 'no automatic suggestion after typing again')
  h.feed('<Esc>')
  wait_mode('n')
  expect_no_ghost(ns, bufnr, 'after leaving insert mode')
  vim.cmd('SwitchboardAutoComplete off')

  -- 7. Commands reach the daemon: rescan (with indexing progress in the statusline), repoMap.
  commands.last = nil
  statuses = {}
  vim.cmd('SwitchboardRescan')
  check(h.wait_until(function() return commands.last ~= nil end), 'no answer to :SwitchboardRescan')
  check(commands.last.err == nil, ':SwitchboardRescan failed: %s', vim.inspect(commands.last.err))
  check(commands.last.command == 'switchboard.rescan', 'sent %s', commands.last.command)
  local totals = commands.last.result
  check(type(totals) == 'table' and #totals == 1 and totals[1].files == 3, 'rescan answered %s',
    vim.inspect(totals))
  check(h.wait_until(function() return sb.statusline() == '' end), 'statusline after indexing: %q', sb.statusline())
  local saw_progress = false
  for _, s in ipairs(statuses) do
    if s:match('^SB Indexing ') then saw_progress = true end
  end
  check(saw_progress, 'the statusline never showed indexing progress: %s', vim.inspect(statuses))

  commands.last = nil
  local map
  check(commands.execute('switchboard.repoMap', { { tokens = 200 } }, function(r) map = r end), 'repoMap not sent')
  check(h.wait_until(function() return commands.last ~= nil end), 'no answer to repoMap')
  check(commands.last.err == nil and type(map) == 'string' and map:find('with_vat', 1, true),
    'repoMap answered %s', vim.inspect(commands.last))

  -- Not in the daemon yet: the request must go out and come back, success or not.
  commands.last = nil
  vim.cmd('SwitchboardStatus')
  check(h.wait_until(function() return commands.last ~= nil end), 'no answer to :SwitchboardStatus')
  check(commands.last.command == 'switchboard.status', 'sent %s', commands.last.command)

  -- 8. AI actions and workflows (the daemon may not have them yet): the
  -- arguments are what the daemon expects, and each request gets an answer.
  local util = require('switchboard.util')
  local real_request, sent = util.request, {}
  util.request = function(c, method, params, ...)
    if method == 'workspace/executeCommand' then table.insert(sent, params) end
    return real_request(c, method, params, ...)
  end
  local uri = vim.uri_from_bufnr(bufnr)
  local function expect_command(cmdline, command, argument)
    sent, commands.last = {}, nil
    vim.cmd(cmdline)
    check(#sent == 1 and sent[1].command == command, '%s sent %s', cmdline, vim.inspect(sent))
    check(vim.deep_equal(sent[1].arguments, { argument }), '%s: arguments %s, expected %s', cmdline,
      vim.inspect(sent[1].arguments), vim.inspect({ argument }))
    check(h.wait_until(function() return commands.last ~= nil end), 'no answer to %s', cmdline)
  end
  expect_command('3,4SwitchboardRefactor use an f-string', 'switchboard.refactor', {
    uri = uri, instruction = 'use an f-string',
    range = { start = { line = 2, character = 0 }, ['end'] = { line = 3, character = #line } },
  })
  expect_command('1SwitchboardExplain', 'switchboard.explain', {
    uri = uri, range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 33 } },
  })
  expect_command('SwitchboardWorkflow fix-bug the tax is added twice', 'switchboard.runWorkflow',
    { template = 'fix-bug', task = 'the tax is added twice' })
  util.request = real_request

  -- 9. A clean stop.
  vim.lsp.stop_client(client_id)
  check(h.wait_until(function() return vim.lsp.get_client_by_id(client_id) == nil end),
    'the daemon did not exit after shutdown + exit')
end

h.run_async('e2e_neovim_plugin', run, 60000)
