-- Inline completion as ghost text: asks the daemon (textDocument/inlineCompletion,
-- LSP 3.18), shows the suggestion after the cursor with extmarks, and accepts,
-- cycles or dismisses it. One suggestion at a time, for the current window.
local config = require('switchboard.config')
local progress = require('switchboard.progress')
local util = require('switchboard.util')

local uv = vim.uv or vim.loop

local M = {}

M.ns = vim.api.nvim_create_namespace('switchboard_ghost')

local TRIGGER_INVOKED, TRIGGER_AUTOMATIC = 1, 2
-- Inline virtual text arrived in 0.10; before that the suggestion is drawn
-- over the rest of the line, which is redrawn after it.
local has_inline = vim.fn.has('nvim-0.10') == 1

-- The suggestion on screen, or nil:
-- { bufnr, row, col, tick, client_id, encoding, items = { {text, ghost, range} }, index }
local shown
-- The request in flight, or nil: { client, id, bufnr, row, col, tick, cycling }
local pending
local timer

local function clear_marks(bufnr)
  if bufnr and vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
end

local function cancel_pending()
  if pending then
    pcall(util.cancel, pending.client, pending.id)
    pending = nil
  end
end

local function cursor()
  local pos = vim.api.nvim_win_get_cursor(0)
  return vim.api.nvim_get_current_buf(), pos[1] - 1, pos[2]
end

-- Removes the suggestion (and any request for one).
function M.dismiss()
  cancel_pending()
  if timer then timer:stop() end
  local had = shown ~= nil
  if shown then clear_marks(shown.bufnr) end
  shown = nil
  progress.set_completion_state('')
  return had
end

function M.visible()
  return shown ~= nil
end

-- What is on screen, for tests and statuslines: { text, index, count } or nil.
function M.current()
  if not shown then return nil end
  local item = shown.items[shown.index]
  return { text = item.ghost, insert_text = item.text, index = shown.index, count = #shown.items }
end

local function render()
  local item = shown.items[shown.index]
  local bufnr, row, col = shown.bufnr, shown.row, shown.col
  clear_marks(bufnr)
  local hl = config.options.inline.hl_group
  local lines = vim.split(item.ghost, '\n', { plain = true })
  local rest = util.line(bufnr, row):sub(col + 1)
  local opts = { hl_mode = 'combine', priority = 1000 }
  if has_inline then
    opts.virt_text_pos = 'inline'
    opts.virt_text = { { lines[1], hl } }
  else
    -- Overlay: draw the rest of the line after the suggestion, as it will be
    -- once accepted (on the last line for a multi-line suggestion).
    opts.virt_text_pos = 'overlay'
    opts.virt_text = { { lines[1], hl } }
    if #lines == 1 and rest ~= '' then table.insert(opts.virt_text, { rest, 'Normal' }) end
  end
  if #lines > 1 then
    opts.virt_lines = {}
    for i = 2, #lines do
      local chunks = { { lines[i], hl } }
      if i == #lines and rest ~= '' and not has_inline then table.insert(chunks, { rest, 'Normal' }) end
      table.insert(opts.virt_lines, chunks)
    end
  end
  vim.api.nvim_buf_set_extmark(bufnr, M.ns, row, col, opts)
  progress.set_completion_state(#shown.items > 1 and (shown.index .. '/' .. #shown.items) or '')
  pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'SwitchboardGhost', modeline = false })
end

-- The items of an inline completion result, as { text, ghost, range } where
-- ghost is what goes after the cursor; items that do not extend the text
-- before the cursor cannot be shown and are skipped.
local function normalize(result, bufnr, row, col, encoding)
  if type(result) ~= 'table' then return {} end
  local raw = result.items or result
  local line = util.line(bufnr, row)
  local out = {}
  for _, it in ipairs(raw) do
    local text = it.insertText
    if type(text) == 'table' then text = text.value end -- a StringValue snippet: shown as is
    if type(text) == 'string' and text ~= '' then
      local range = it.range
      local start_col, end_row, end_col = col, row, col
      if type(range) == 'table' then
        local s = util.buf_position(bufnr, range.start, encoding)
        local e = util.buf_position(bufnr, range['end'], encoding)
        start_col, end_row, end_col = s[2], e[1], e[2]
        if s[1] ~= row then start_col = -1 end
      end
      if start_col >= 0 and start_col <= col then
        local typed = line:sub(start_col + 1, col)
        if text:sub(1, #typed) == typed and #text > #typed then
          table.insert(out, {
            text = text,
            ghost = text:sub(#typed + 1),
            range = { row, start_col, math.max(end_row, row), end_row > row and end_col or math.max(end_col, col) },
          })
        end
      end
    end
  end
  return out
end

local function on_result(req, err, result)
  if pending ~= req then return end -- superseded or dismissed
  pending = nil
  local bufnr, row, col = cursor()
  if err or bufnr ~= req.bufnr or row ~= req.row or col ~= req.col or
      vim.api.nvim_buf_get_changedtick(bufnr) ~= req.tick then
    if not shown then progress.set_completion_state('') end
    return
  end
  local items = normalize(result, bufnr, row, col, req.encoding)
  if req.cycling and shown then
    -- Keep what is there, add what is new, move to the first new one.
    local seen, first_new = {}, nil
    for _, it in ipairs(shown.items) do seen[it.text] = true end
    for _, it in ipairs(items) do
      if not seen[it.text] then
        table.insert(shown.items, it)
        seen[it.text] = true
        first_new = first_new or #shown.items
      end
    end
    shown.index = first_new or (shown.index % #shown.items + 1)
    render()
    return
  end
  if #items == 0 then
    M.dismiss()
    return
  end
  if shown then clear_marks(shown.bufnr) end
  shown = { bufnr = bufnr, row = row, col = col, tick = req.tick, items = items, index = 1 }
  render()
end

-- Asks for a suggestion at the cursor. kind: 'invoked' (a key) or 'automatic'.
function M.request(kind, cycling)
  local bufnr, row, col = cursor()
  local client = util.client(bufnr)
  if not client or not (client.server_capabilities or {}).inlineCompletionProvider then return false end
  cancel_pending()
  local encoding = util.encoding(client)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = util.lsp_position(bufnr, row, col, encoding),
    context = { triggerKind = kind == 'automatic' and TRIGGER_AUTOMATIC or TRIGGER_INVOKED },
  }
  local req = { client = client, bufnr = bufnr, row = row, col = col, encoding = encoding,
                tick = vim.api.nvim_buf_get_changedtick(bufnr), cycling = cycling }
  local ok, id = util.request(client, 'textDocument/inlineCompletion', params, function(err, result)
    on_result(req, err, result)
  end, bufnr)
  if not ok then return false end
  req.id = id
  pending = req
  if not shown then progress.set_completion_state('waiting') end
  return true
end

-- Manual trigger (also what a key does): drops what is shown and asks anew.
function M.trigger()
  if shown then clear_marks(shown.bufnr) end
  shown = nil
  return M.request('invoked')
end

-- Inserts the suggestion and puts the cursor after it. False if none is shown.
function M.accept()
  if not shown then return false end
  local item = shown.items[shown.index]
  local bufnr = shown.bufnr
  M.dismiss()
  if not vim.api.nvim_buf_is_valid(bufnr) then return false end
  local r = item.range
  local lines = vim.split(item.text, '\n', { plain = true })
  vim.api.nvim_buf_set_text(bufnr, r[1], r[2], r[3], r[4], lines)
  local end_row = r[1] + #lines - 1
  local end_col = (#lines == 1 and r[2] or 0) + #lines[#lines]
  if vim.api.nvim_get_current_buf() == bufnr then
    vim.api.nvim_win_set_cursor(0, { end_row + 1, end_col })
  end
  pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'SwitchboardAccept', modeline = false })
  return true
end

-- The next suggestion: cycles through those already received, and asks the
-- daemon for more (triggerKind Invoked) when there is only one.
function M.next()
  if not shown then return M.trigger() end
  if #shown.items > 1 then
    shown.index = shown.index % #shown.items + 1
    render()
    return true
  end
  return M.request('invoked', true)
end

function M.prev()
  if not shown or #shown.items < 2 then return M.next() end
  shown.index = (shown.index - 2) % #shown.items + 1
  render()
  return true
end

-- TextChangedI: ask again once typing pauses.
local function on_text_changed()
  local opts = config.options.inline
  if not opts.enabled or not opts.auto_trigger then return end
  if shown then M.dismiss() end
  timer = timer or uv.new_timer()
  timer:stop()
  timer:start(math.max(0, opts.debounce_ms or 0), 0, vim.schedule_wrap(function()
    local mode = vim.api.nvim_get_mode().mode
    if mode:sub(1, 1) == 'i' and util.client(0) then M.request('automatic') end
  end))
end

-- The cursor left the suggestion's position: it no longer applies.
local function on_cursor_moved()
  if not shown then return end
  local bufnr, row, col = cursor()
  if bufnr ~= shown.bufnr or row ~= shown.row or col ~= shown.col then M.dismiss() end
end

function M.setup(group)
  vim.cmd('highlight default link SwitchboardGhost Comment')
  vim.api.nvim_create_autocmd('TextChangedI', { group = group, callback = on_text_changed })
  vim.api.nvim_create_autocmd({ 'CursorMovedI', 'CursorMoved' }, { group = group, callback = on_cursor_moved })
  vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group,
    callback = function() M.dismiss() end,
  })
end

function M.set_auto_trigger(on)
  config.options.inline.auto_trigger = on
  if not on and timer then timer:stop() end
end

return M
