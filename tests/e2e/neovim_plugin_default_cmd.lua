-- setup{} with no cmd: the plugin starts `switchboard lsp` found on PATH
-- (NeovimPluginTest.cpp puts the build folder first on it), attaches it to
-- the buffer and the daemon answers. Headless Neovim 0.7.
-- Environment: SB_BINARY (the daemon PATH should find), SB_PLUGIN_DIR
-- (editors/nvim), SB_WORKSPACE (a python workspace with a root marker),
-- SB_SCRATCH (XDG folders for the daemon).
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/nvim_helpers.lua')
local check, env = h.check, h.env

local function run()
  local binary, plugin = env('SB_BINARY'), env('SB_PLUGIN_DIR')
  local ws, scratch = env('SB_WORKSPACE'), env('SB_SCRATCH')
  h.scratch_xdg(scratch .. '/xdg')
  check(vim.fn.exepath('switchboard') == binary, 'PATH finds %q, not %s', vim.fn.exepath('switchboard'), binary)

  vim.opt.runtimepath:prepend(plugin)
  local sb = require('switchboard')
  sb.setup({})
  vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/shop/pricing.py'))
  local bufnr = vim.api.nvim_get_current_buf()

  local client
  check(h.wait_until(function()
    client = sb.client(bufnr)
    return client ~= nil and client.initialized
  end), 'no initialized switchboard client for the buffer')
  check(vim.deep_equal(client.config.cmd, { 'switchboard', 'lsp' }), 'cmd %s', vim.inspect(client.config.cmd))
  check(client.config.root_dir == ws, 'root_dir %s, expected %s', tostring(client.config.root_dir), ws)

  -- The daemon on PATH answers: the workspace symbol, once indexing found it.
  local found
  for _ = 1, 100 do
    local result = h.request(client, 'workspace/symbol', { query = 'with_vat' }, bufnr)
    found = result and result[1]
    if found then break end
    h.sleep(50)
  end
  check(found, 'workspace/symbol never found with_vat')
  check(found.name == 'with_vat', 'found %s', vim.inspect(found))
  check(vim.uri_to_fname(found.location.uri) == ws .. '/shop/pricing.py', 'at %s', found.location.uri)
  vim.lsp.stop_client(client.id)
end

h.run('e2e_neovim_plugin_default_cmd', run)
