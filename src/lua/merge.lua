-- RFC 7396 JSON Merge Patch on compact JSON text, order- and byte-preserving.
-- Inputs are valid compact JSON (no whitespace); object keys are canonical, so
-- keys are compared as raw text (quotes included). Only objects are parsed;
-- strings, numbers, literals and arrays are skipped and copied verbatim.
local byte, find, sub, concat = string.byte, string.find, string.sub, table.concat

-- Return the index of the last byte of the JSON value starting at s[i].
local function json_skip(s, i)
  local c = byte(s, i)
  if c == 34 then                                -- '"': string
    local j = i + 1
    while true do
      j = find(s, '["\\]', j)                    -- next quote or backslash
      if byte(s, j) == 34 then return j end
      j = j + 2                                  -- skip escaped char
    end
  elseif c == 123 or c == 91 then                -- '{' or '[': container
    local depth, j = 0, i
    while true do
      j = find(s, '[%[%]{}"]', j)
      c = byte(s, j)
      if c == 34 then
        j = json_skip(s, j)
      elseif c == 123 or c == 91 then
        depth = depth + 1
      else
        depth = depth - 1
        if depth == 0 then return j end
      end
      j = j + 1
    end
  else                                           -- number/true/false/null
    local j = find(s, '[,%]}]', i)
    return j and j - 1 or #s
  end
end

-- Append MergePatch(target, patch) to buffer `out`. The target value starts
-- at t[ti] (ti == nil: absent), the patch value at p[pi].
local function json_merge(out, t, ti, p, pi)
  if byte(p, pi) ~= 123 then                     -- patch not an object: replace
    out[#out + 1] = sub(p, pi, json_skip(p, pi))
    return
  end
  -- Index patch members: raw key text -> value start; keep order in pkeys.
  local pkeys, pval, n = {}, {}, 0
  if byte(p, pi + 1) ~= 125 then
    local j = pi + 1
    while true do
      local ke = json_skip(p, j)
      local key = sub(p, j, ke)
      if pval[key] == nil then n = n + 1; pkeys[n] = key end
      pval[key] = ke + 2
      local ve = json_skip(p, ke + 2)
      if byte(p, ve + 1) == 125 then break end
      j = ve + 2
    end
  end
  out[#out + 1] = '{'
  local first, done = true, {}
  -- Walk existing target members in order (a non-object target counts as {}).
  if ti and byte(t, ti) == 123 and byte(t, ti + 1) ~= 125 then
    local j = ti + 1
    while true do
      local ke = json_skip(t, j)
      local ve = json_skip(t, ke + 2)
      local key = sub(t, j, ke)
      local v = pval[key]
      if v == nil then                           -- untouched: copy verbatim
        out[#out + 1] = first and sub(t, j, ve) or ',' .. sub(t, j, ve)
        first = false
      else
        done[key] = true
        if byte(p, v) ~= 110 then                -- not null: merge in place
          out[#out + 1] = first and key .. ':' or ',' .. key .. ':'
          first = false
          json_merge(out, t, ke + 2, p, v)
        end                                      -- null: member removed
      end
      if byte(t, ve + 1) == 125 then break end
      j = ve + 2
    end
  end
  -- Append new (non-null) patch members in patch order.
  for k = 1, n do
    local key = pkeys[k]
    local v = pval[key]
    if not done[key] and byte(p, v) ~= 110 then
      out[#out + 1] = first and key .. ':' or ',' .. key .. ':'
      first = false
      json_merge(out, nil, nil, p, v)
    end
  end
  out[#out + 1] = '}'
end

-- Merge compact JSON `patch_text` into `doc_text`; returns compact JSON text.
local function api_merge(doc_text, patch_text)
  local out = {}
  json_merge(out, doc_text, 1, patch_text, 1)
  return concat(out)
end
