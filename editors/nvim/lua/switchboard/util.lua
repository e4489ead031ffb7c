-- Small helpers shared by the modules: finding the client, LSP positions.
local config = require('switchboard.config')

local M = {}

-- Neovim 0.11 made the client's functions methods (client:request(...)).
local methods = vim.fn.has('nvim-0.11') == 1

function M.request(client, method, params, handler, bufnr)
  if methods then return client:request(method, params, handler, bufnr) end
  return client.request(method, params, handler, bufnr)
end

function M.cancel(client, id)
  if methods then return client:cancel_request(id) end
  return client.cancel_request(id)
end

function M.is_stopped(client)
  if methods then return client:is_stopped() end
  return client.is_stopped()
end

local function clients_of(bufnr)
  local out = {}
  if vim.lsp.get_clients then
    out = vim.lsp.get_clients({ bufnr = bufnr })
  else
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do table.insert(out, c) end
  end
  return out
end

-- The switchboard client attached to `bufnr`; with fallback, else any running one.
function M.client(bufnr, fallback)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local name = config.options.name
  for _, c in ipairs(clients_of(bufnr)) do
    if c.name == name and not M.is_stopped(c) then return c end
  end
  if fallback then
    for _, c in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
      if c.name == name and not M.is_stopped(c) then return c end
    end
  end
  return nil
end

-- Byte column -> LSP character offset in the client's position encoding.
function M.to_lsp_character(line, byte_col, encoding)
  byte_col = math.min(byte_col, #line)
  if encoding == 'utf-8' then return byte_col end
  local ok, utf32, utf16 = pcall(vim.str_utfindex, line, byte_col)
  if not ok then return byte_col end
  return encoding == 'utf-32' and utf32 or utf16
end

-- LSP character offset -> byte column, clamped to the line.
function M.to_byte_col(line, character, encoding)
  if encoding == 'utf-8' then return math.min(character, #line) end
  local ok, col = pcall(vim.str_byteindex, line, character, encoding ~= 'utf-32')
  if not ok then return #line end
  return col
end

function M.line(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
end

-- The LSP position of byte position (row, col), both 0-based.
function M.lsp_position(bufnr, row, col, encoding)
  return { line = row, character = M.to_lsp_character(M.line(bufnr, row), col, encoding) }
end

-- An LSP position -> { row, byte col }.
function M.buf_position(bufnr, pos, encoding)
  return { pos.line, M.to_byte_col(M.line(bufnr, pos.line), pos.character, encoding) }
end

function M.encoding(client)
  return client.offset_encoding or 'utf-16'
end

function M.notify(msg, level)
  vim.notify('switchboard: ' .. msg, level or vim.log.levels.INFO)
end

return M
