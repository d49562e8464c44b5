
/*
 * fuzz_problem: ngx_http_api_problem_size() and _write(), the body of
 * every error the module answers.
 *
 * Input: four bytes of status, one of code length, the code (mapped to
 * [a-z_], as the module's codes are), one byte choosing the request id
 * (none, or 32 hex digits from the next 16 bytes, like $request_id),
 * then the detail up to a NUL.  The body goes into a buffer of exactly
 * the size promised; when the detail is UTF-8 (as the module's details
 * are) the body must be JSON with the six members and their values.
 */


#include <jansson.h>

#include "ngx_fuzz.h"
#include "ngx_http_api_problem.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char        *buf, *end, *p, *last, rid[32];
    char          *code, *detail, *type;
    size_t         len, n, i;
    json_t        *json, *v, *utf8;
    uint32_t       status;
    ngx_str_t      request_id;
    json_error_t   err;

    static const char  hex[] = "0123456789abcdef";

    if (size < 6) {
        return 0;
    }

    p = (u_char *) data;
    last = p + size;

    ngx_memcpy(&status, p, 4);
    p += 4;

    n = 1 + *p++ % 40;
    n = ngx_min(n, (size_t) (last - p));

    code = malloc(n + 1);
    ngx_fuzz_check(code != NULL);

    for (i = 0; i < n; i++) {
        code[i] = "abcdefghijklmnopqrstuvwxyz_"[p[i] % 27];
    }

    code[n] = '\0';
    p += n;

    ngx_str_null(&request_id);

    if (p < last && (*p++ & 1) && last - p >= 16) {
        for (i = 0; i < 16; i++) {
            rid[2 * i] = hex[p[i] >> 4];
            rid[2 * i + 1] = hex[p[i] & 0xf];
        }

        request_id.data = rid;
        request_id.len = 32;
        p += 16;
    }

    len = last - p;
    detail = malloc(len + 1);
    ngx_fuzz_check(detail != NULL);
    ngx_memcpy(detail, p, len);
    detail[len] = '\0';

    len = ngx_http_api_problem_size(status, code, detail, &request_id);
    buf = malloc(len);
    ngx_fuzz_check(buf != NULL);

    end = ngx_http_api_problem_write(buf, status, code, detail, &request_id);
    ngx_fuzz_check(end > buf && (size_t) (end - buf) <= len);

    utf8 = json_string(detail);

    if (utf8 == NULL) {
        /* not UTF-8: outside the contract, bounds only */
        goto done;
    }

    json_decref(utf8);

    json = json_loadb((const char *) buf, end - buf, 0, &err);
    if (json == NULL) {
        fprintf(stderr, "not JSON: %s\n%.*s\n", err.text, (int) (end - buf),
                buf);
    }
    ngx_fuzz_check(json != NULL && json_is_object(json));
    ngx_fuzz_check(json_object_size(json) == 6);

    type = malloc(sizeof("urn:ngx-http-api:problem:") + ngx_strlen(code));
    ngx_fuzz_check(type != NULL);
    (void) ngx_sprintf((u_char *) type, "urn:ngx-http-api:problem:%s%Z",
                       code);

    v = json_object_get(json, "type");
    ngx_fuzz_check(json_is_string(v));
    ngx_fuzz_check(ngx_strcmp(json_string_value(v), type) == 0);
    free(type);

    v = json_object_get(json, "title");
    ngx_fuzz_check(json_is_string(v) && json_string_length(v) > 0);

    v = json_object_get(json, "status");
    ngx_fuzz_check(json_is_integer(v));
    ngx_fuzz_check(json_integer_value(v) == (json_int_t) status);

    v = json_object_get(json, "detail");
    ngx_fuzz_check(json_is_string(v));
    ngx_fuzz_check(json_string_length(v) == ngx_strlen(detail));
    ngx_fuzz_check(ngx_strcmp(json_string_value(v), detail) == 0);

    v = json_object_get(json, "code");
    ngx_fuzz_check(json_is_string(v));
    ngx_fuzz_check(ngx_strcmp(json_string_value(v), code) == 0);

    v = json_object_get(json, "request_id");
    ngx_fuzz_check(json_is_string(v));
    ngx_fuzz_check(json_string_length(v) == request_id.len);
    ngx_fuzz_check(request_id.len == 0
                   || memcmp(json_string_value(v), request_id.data, 32)
                      == 0);

    json_decref(json);

done:

    free(buf);
    free(detail);
    free(code);

    return 0;
}
