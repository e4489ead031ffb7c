-- $/progress from the daemon (indexing, workflows) and the completion state,
-- summed up for the statusline.
local M = {}

local tokens = {} -- token -> { title, message, percentage, order }
local counter = 0
local completion_state = '' -- '', 'waiting', or 'i/n' while a suggestion shows

local function refresh()
  -- Statusline plugins listen for this; redrawstatus covers plain 'statusline' settings.
  pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'SwitchboardStatus', modeline = false })
  pcall(vim.cmd, 'redrawstatus')
end

-- Handler for $/progress: keeps the latest title/message/percentage per token.
function M.handler(err, result, ctx, config)
  local default = vim.lsp.handlers['$/progress']
  if default then pcall(default, err, result, ctx, config) end
  if err or type(result) ~= 'table' or type(result.value) ~= 'table' then return end
  local key = tostring(ctx and ctx.client_id or 0) .. ':' .. tostring(result.token)
  local value = result.value
  if value.kind == 'end' then
    tokens[key] = nil
  else
    local entry = tokens[key]
    if not entry then
      counter = counter + 1
      entry = { order = counter }
      tokens[key] = entry
    end
    if value.title then entry.title = value.title end
    if value.message then entry.message = value.message end
    if value.percentage then entry.percentage = value.percentage end
  end
  refresh()
end

-- The newest piece of work still in progress, or nil.
function M.current()
  local best
  for _, entry in pairs(tokens) do
    if not best or entry.order > best.order then best = entry end
  end
  return best
end

function M.set_completion_state(state)
  if state ~= completion_state then
    completion_state = state or ''
    refresh()
  end
end

local function shorten(title)
  -- "Indexing /home/me/project" reads better as "Indexing project".
  return (title or ''):gsub('(%S*/)([^/%s]+)/?$', '%2')
end

-- A short string for the statusline: '' when nothing is going on.
function M.statusline()
  local parts = {}
  local work = M.current()
  if work then
    local text = shorten(work.title)
    if text == '' then text = work.message or '' end
    if work.percentage then text = text .. ' ' .. work.percentage .. '%' end
    table.insert(parts, text)
  end
  if completion_state == 'waiting' then
    table.insert(parts, '...')
  elseif completion_state ~= '' then
    table.insert(parts, completion_state)
  end
  if #parts == 0 then return '' end
  return 'SB ' .. table.concat(parts, ' ')
end

function M.reset()
  tokens = {}
  completion_state = ''
end

return M
