-- User commands: AI actions on a range, workflows, status and the index,
-- each a workspace/executeCommand to the daemon. Edits come back as
-- workspace/applyEdit, which Neovim applies itself.
local ghost = require('switchboard.ghost')
local util = require('switchboard.util')

local M = {}

-- The daemon's command names, in one place.
M.names = {
  explain = 'switchboard.explain',
  fix = 'switchboard.fix',
  document = 'switchboard.document',
  tests = 'switchboard.writeTests',
  refactor = 'switchboard.refactor',
  workflow = 'switchboard.runWorkflow',
  workflow_status = 'switchboard.workflowStatus',
  cancel_workflow = 'switchboard.cancelWorkflow',
  status = 'switchboard.status',
  rescan = 'switchboard.rescan',
  repo_map = 'switchboard.repoMap',
}

-- The last answer, for tests and for :SwitchboardLast: { command, result, err }.
M.last = nil

-- A scratch buffer in a split showing `text` (markdown).
local function show_text(title, text)
  vim.cmd('botright new')
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].buftype = 'nofile'
  vim.bo[bufnr].bufhidden = 'wipe'
  vim.bo[bufnr].swapfile = false
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, vim.split(text, '\n', { plain = true }))
  vim.bo[bufnr].filetype = 'markdown'
  vim.bo[bufnr].modifiable = false
  pcall(vim.api.nvim_buf_set_name, bufnr, 'switchboard://' .. title)
end

-- Text worth showing from a command's result, if any.
local function result_text(result)
  if type(result) == 'string' then return result end
  if type(result) ~= 'table' then return nil end
  for _, key in ipairs({ 'markdown', 'text', 'explanation', 'message', 'summary' }) do
    if type(result[key]) == 'string' and result[key] ~= '' then return result[key] end
  end
  return nil
end

local function default_show(name, result)
  local text = result_text(result)
  if text and text:find('\n') then
    show_text(name, text)
  elseif text then
    util.notify(text)
  elseif result ~= nil and result ~= vim.NIL then
    util.notify(name .. ': ' .. vim.inspect(result, { newline = ' ', indent = '' }))
  end
end

-- Sends `command` with `arguments`; on_result(result) on success (default:
-- show it). Returns false when no switchboard client is running.
function M.execute(command, arguments, on_result)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = util.client(bufnr, true)
  if not client then
    util.notify('no switchboard client is running for this buffer', vim.log.levels.WARN)
    return false
  end
  local params = { command = command, arguments = arguments or {} }
  local short = command:gsub('^switchboard%.', '')
  local ok = util.request(client, 'workspace/executeCommand', params, function(err, result)
    M.last = { command = command, result = result, err = err }
    if err then
      util.notify(short .. ' failed: ' .. tostring(err.message or err), vim.log.levels.ERROR)
    else
      (on_result or function(r) default_show(short, r) end)(result)
    end
    pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'SwitchboardCommandDone', modeline = false })
  end, bufnr)
  return ok
end

-- The LSP range of a command's line range; the exact columns of the last
-- visual selection when the command came from it.
local function command_range(opts, bufnr, encoding)
  local first, last = opts.line1 - 1, opts.line2 - 1
  local start_col, end_col = 0, #util.line(bufnr, last)
  if opts.range == 2 then
    local vs, ve = vim.api.nvim_buf_get_mark(bufnr, '<'), vim.api.nvim_buf_get_mark(bufnr, '>')
    if vs[1] - 1 == first and ve[1] - 1 == last and vim.fn.visualmode() == 'v' then
      start_col = vs[2]
      end_col = math.min(ve[2] + 1, #util.line(bufnr, last))
    end
  end
  return {
    start = util.lsp_position(bufnr, first, start_col, encoding),
    ['end'] = util.lsp_position(bufnr, last, end_col, encoding),
  }
end

-- An AI action on the given range: { uri, range, instruction? }.
function M.action(name, opts, instruction)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = util.client(bufnr, true)
  if not client then
    util.notify('no switchboard client is running for this buffer', vim.log.levels.WARN)
    return false
  end
  local arg = { uri = vim.uri_from_bufnr(bufnr), range = command_range(opts, bufnr, util.encoding(client)) }
  if instruction and instruction ~= '' then arg.instruction = instruction end
  return M.execute(M.names[name], { arg })
end

local function create(name, fn, opts)
  vim.api.nvim_create_user_command(name, fn, opts)
end

function M.setup()
  local actions = {
    SwitchboardExplain = { 'explain', 'Explain the selected code' },
    SwitchboardFix = { 'fix', 'Fix the selected code' },
    SwitchboardDocument = { 'document', 'Write documentation comments for the selected code' },
    SwitchboardTests = { 'tests', 'Write tests for the selected code' },
  }
  for cmd, spec in pairs(actions) do
    create(cmd, function(opts) M.action(spec[1], opts, opts.args) end,
      { range = true, nargs = '*', desc = spec[2] })
  end
  create('SwitchboardRefactor', function(opts) M.action('refactor', opts, opts.args) end,
    { range = true, nargs = '+', desc = 'Refactor the selected code as instructed' })
  create('SwitchboardWorkflow', function(opts)
    local template, task = opts.args:match('^(%S+)%s*(.*)$')
    if not template or task == '' then
      util.notify('usage: :SwitchboardWorkflow {template} {task...}', vim.log.levels.ERROR)
      return
    end
    M.execute(M.names.workflow, { { template = template, task = task } })
  end, { nargs = '+', desc = 'Run a workflow: template, then the task' })
  create('SwitchboardWorkflowStatus', function(opts)
    M.execute(M.names.workflow_status, opts.args ~= '' and { { id = opts.args } } or {})
  end, { nargs = '?', desc = 'Status of one workflow, or of all' })
  create('SwitchboardCancelWorkflow', function(opts)
    M.execute(M.names.cancel_workflow, { { id = opts.args } })
  end, { nargs = 1, desc = 'Cancel a running workflow' })
  create('SwitchboardStatus', function() M.execute(M.names.status, {}) end,
    { desc = 'Backends, index and running work' })
  create('SwitchboardRescan', function()
    M.execute(M.names.rescan, {}, function(totals)
      local files, indexed = 0, 0
      for _, t in ipairs(type(totals) == 'table' and totals or {}) do
        files, indexed = files + (t.files or 0), indexed + (t.indexed or 0)
      end
      util.notify(string.format('index refreshed: %d files, %d re-indexed', files, indexed))
    end)
  end, { desc = 'Refresh the workspace index' })
  create('SwitchboardRepoMap', function(opts)
    local tokens = tonumber(opts.args)
    M.execute(M.names.repo_map, { { tokens = tokens or 1024 } }, function(text)
      if type(text) == 'string' then show_text('repomap', text) end
    end)
  end, { nargs = '?', desc = 'The repository map (most referenced definitions)' })
  create('SwitchboardComplete', function() ghost.trigger() end, { desc = 'Ask for a suggestion now' })
  create('SwitchboardAutoComplete', function(opts)
    local on = opts.args == '' and not require('switchboard.config').options.inline.auto_trigger
      or opts.args == 'on'
    ghost.set_auto_trigger(on)
    util.notify('automatic suggestions ' .. (on and 'on' or 'off'))
  end, { nargs = '?', complete = function() return { 'on', 'off' } end,
         desc = 'Turn automatic suggestions on or off (toggle without argument)' })
end

return M
