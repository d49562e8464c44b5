-- Shared by the write scripts.  Preconditions (RFC 9110, 13.1): im and
-- inm are If-Match and If-None-Match as "" (absent), "*" or ",rev,rev,";
-- cur is the stored revision, or false when there is no document.
local function api_precondition(cur, im, inm)
  if im ~= '' then
    if not cur then return false end
    if im ~= '*' and not string.find(im, ',' .. cur .. ',', 1, true) then
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
