#!/usr/bin/env bash
# Test src/lua/merge.lua (RFC 7396 JSON Merge Patch) against a running Redis.
# Usage: merge_test.sh PORT
set -u
PORT=${1:?usage: $0 REDIS_PORT}
DIR=$(cd "$(dirname "$0")" && pwd)
SCRIPT="$(cat "$DIR/merge.lua")
return api_merge(ARGV[1], ARGV[2])"
pass=0 fail=0

# t DOC PATCH EXPECTED [description]
t() {
  local got
  got=$(redis-cli --raw -p "$PORT" EVAL "$SCRIPT" 0 "$1" "$2" 2>&1)
  if [ "$got" == "$3" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    printf 'FAIL %s\n  doc:      %s\n  patch:    %s\n  expected: %s\n  got:      %s\n' \
      "${4:-}" "$1" "$2" "$3" "$got"
  fi
}

# --- RFC 7396 Appendix A (compact; existing keys keep position, new append) ---
t '{"a":"b"}' '{"a":"c"}' '{"a":"c"}' 'A.1'
t '{"a":"b"}' '{"b":"c"}' '{"a":"b","b":"c"}' 'A.2'
t '{"a":"b"}' '{"a":null}' '{}' 'A.3'
t '{"a":"b","b":"c"}' '{"a":null}' '{"b":"c"}' 'A.4'
t '{"a":["b"]}' '{"a":"c"}' '{"a":"c"}' 'A.5'
t '{"a":"c"}' '{"a":["b"]}' '{"a":["b"]}' 'A.6'
t '{"a":{"b":"c"}}' '{"a":{"b":"d","c":null}}' '{"a":{"b":"d"}}' 'A.7'
t '{"a":[{"b":"c"}]}' '{"a":[1]}' '{"a":[1]}' 'A.8'
t '["a","b"]' '["c","d"]' '["c","d"]' 'A.9'
t '{"a":"b"}' '["c"]' '["c"]' 'A.10'
t '{"a":"foo"}' 'null' 'null' 'A.11'
t '{"a":"foo"}' '"bar"' '"bar"' 'A.12'
t '{"e":null}' '{"a":1}' '{"e":null,"a":1}' 'A.13'
t '[1,2]' '{"a":"b","c":null}' '{"a":"b"}' 'A.14'
t '{}' '{"a":{"bb":{"ccc":null}}}' '{"a":{"bb":{}}}' 'A.15'
# RFC 7396 section 3 example (phoneNumber is new, so it is appended last)
t '{"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"}' \
  '{"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}' \
  '{"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}' 'RFC s3'

# --- key order preservation ---
t '{"z":1,"a":2,"m":3}' '{"a":20}' '{"z":1,"a":20,"m":3}' 'order: update middle'
t '{"z":1,"a":2,"m":3}' '{"q":9,"b":8,"z":0}' '{"z":0,"a":2,"m":3,"q":9,"b":8}' 'order: new keys appended in patch order'
t '{"z":1,"a":2,"m":3}' '{"a":null,"c":3}' '{"z":1,"m":3,"c":3}' 'order: delete middle + append'
t '{"a":1,"b":2}' '{"a":null,"a2":1}' '{"b":2,"a2":1}' 'order: delete first'

# --- number text preservation ---
t '{"a":1.10,"b":1.0E+2,"c":-0,"d":123456789012345678901234567890}' '{"e":1}' \
  '{"a":1.10,"b":1.0E+2,"c":-0,"d":123456789012345678901234567890,"e":1}' 'numbers kept'
t '{"a":1}' '{"a":1.10,"b":1.0E+2,"c":-0,"d":123456789012345678901234567890,"f":1e400,"g":-1.5e-7}' \
  '{"a":1.10,"b":1.0E+2,"c":-0,"d":123456789012345678901234567890,"f":1e400,"g":-1.5e-7}' 'numbers from patch'
t '{"a":-0.0,"b":[1.10,2E3,-0]}' '{}' '{"a":-0.0,"b":[1.10,2E3,-0]}' 'numbers in arrays'
t '{"a":true,"b":false,"c":null}' '{"b":true}' '{"a":true,"b":true,"c":null}' 'literals'

# --- strings with structural chars, escapes, UTF-8 ---
t '{"s":"a}b]c,d:e\"f\\g{h[","t":1}' '{"t":2}' '{"s":"a}b]c,d:e\"f\\g{h[","t":2}' 'string special chars kept'
t '{"t":1}' '{"s":"}],:\"\\{[","t":null}' '{"s":"}],:\"\\{["}' 'string special chars from patch'
t '{"s":"end\\","x":1}' '{"x":2}' '{"s":"end\\","x":2}' 'string ending in escaped backslash'
t '{"s":"\\\"","x":1}' '{"x":null}' '{"s":"\\\""}' 'escaped backslash then quote'
t '{"s":"\u00e9\ud83d\ude00\n\t\/","x":1}' '{"x":"\u0022"}' '{"s":"\u00e9\ud83d\ude00\n\t\/","x":"\u0022"}' '\u escapes kept'
t '{"s":"é😀","x":1}' '{"y":"😀é","x":"café"}' '{"s":"é😀","x":"café","y":"😀é"}' 'raw UTF-8'
t '{"é":1,"😀":2}' '{"😀":null,"é":{"k":"v"}}' '{"é":{"k":"v"}}' 'UTF-8 keys'
t '{"a\"b":1,"a":2}' '{"a\"b":null}' '{"a":2}' 'key with escaped quote'
t '{"k\\":1,"k":2}' '{"k":3}' '{"k\\":1,"k":3}' 'key ending in escaped backslash'

# --- nested merge ---
t '{"a":{"b":{"c":{"d":1,"e":2},"f":3},"g":4},"h":5}' '{"a":{"b":{"c":{"d":10,"x":{"y":null,"z":[]}}}}}' \
  '{"a":{"b":{"c":{"d":10,"e":2,"x":{"z":[]}},"f":3},"g":4},"h":5}' 'nested 4 levels'
t '{"a":{"b":{"c":{"d":1}}}}' '{"a":{"b":{"c":{"d":null}}}}' '{"a":{"b":{"c":{}}}}' 'nested delete to empty'
t '{"a":1}' '{"a":{"b":{"c":{"d":null,"e":1}}}}' '{"a":{"b":{"c":{"e":1}}}}' 'scalar replaced by object (nulls stripped)'
t '{"a":{"b":1}}' '{"a":2}' '{"a":2}' 'object replaced by scalar'
t '{"a":[1,2]}' '{"a":{"x":1}}' '{"a":{"x":1}}' 'array replaced by object'

# --- removal / no-op ---
t '{"only":1}' '{"only":null}' '{}' 'remove last key'
t '{"a":1,"b":2}' '{"b":null}' '{"a":1}' 'remove trailing key'
t '{"a":1}' '{"nope":null}' '{"a":1}' 'remove nonexistent key'
t '{}' '{"nope":null}' '{}' 'remove from empty'
t '{"a":{"b":[1,{"c":"}"}]},"d":"x"}' '{}' '{"a":{"b":[1,{"c":"}"}]},"d":"x"}' 'patch {} no change'
t '{}' '{}' '{}' 'empty + empty'

# --- arrays / empty values / nulls in arrays ---
t '{"a":[1,[2,[3]],{"b":"]"}],"c":1}' '{"a":["x"]}' '{"a":["x"],"c":1}' 'array replaced'
t '{"a":[{"b":1}]}' '{"a":[{"c":2}]}' '{"a":[{"c":2}]}' 'arrays not merged element-wise'
t '{"a":[],"b":{},"c":""}' '{"d":[],"e":{},"f":""}' '{"a":[],"b":{},"c":"","d":[],"e":{},"f":""}' 'empty values'
t '{"a":{"x":1}}' '{"a":{}}' '{"a":{"x":1}}' 'empty object patch on object'
t '{"a":[1]}' '{"a":[]}' '{"a":[]}' 'empty array replaces'
t '{"a":1}' '{"a":[null,1,null],"b":[{"c":null}]}' '{"a":[null,1,null],"b":[{"c":null}]}' 'nulls in arrays kept'
t '{"a":[null,{"k":null}]}' '{"z":1}' '{"a":[null,{"k":null}],"z":1}' 'nulls in target arrays kept'
t '{"a":["]","[","}","{","\"","\\",","]}' '{"b":1}' '{"a":["]","[","}","{","\"","\\",","],"b":1}' 'array of tricky strings skipped'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
