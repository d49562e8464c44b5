-- Shared by the write scripts.  Preconditions (RFC 9110, 13.1): im and
-- inm are If-Match and If-None-Match as "" (absent), "*" or ",rev,rev,";
-- ius is If-Unmodified-Since in seconds, or "" (absent, invalid, or
-- overridden by If-Match).  cur is the stored revision, or false when
-- there is no document; mod its modified time (ms), if stored.
local function api_precondition(cur, mod, im, inm, ius)
  if im ~= '' then
    if not cur then return false end
    if im ~= '*' and not string.find(im, ',' .. cur .. ',', 1, true) then
      return false
    end
  elseif ius ~= '' then
    -- no document has no modification date that could be that old
    if not cur then return false end
    if mod and math.floor(tonumber(mod) / 1000) > tonumber(ius) then
      return false
    end
  end
  if inm ~= '' and cur then
    if inm == '*' or string.find(inm, ',' .. cur .. ',', 1, true) then
      return false
    end
  end
  return true
end
