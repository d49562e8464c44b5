
/*
 * fuzz_schema: ngx_http_api_schema_compile() and _validate(), the JSON
 * Schema checks of every write to a collection with a schema.
 *
 * Input: the schema's JSON text, a NUL, the document's JSON text (any
 * JSON value).  A schema that does not compile must say where ("at
 * \"<pointer>\": ...").  A
 * document is validated twice, with the same verdict; a valid one has no
 * errors; an invalid one has 1 to NGX_HTTP_API_SCHEMA_ERRORS_MAX of them,
 * each with an instance pointer that leads into the document, a schema
 * pointer that leads into the schema, and a UTF-8 message.
 */


#include <jansson.h>

#include "ngx_fuzz.h"
#include "ngx_http_api_schema.h"


static json_t *
ngx_fuzz_pointer(json_t *json, u_char *p, size_t len)
{
    u_char  *last, *q, *d, *token, *buf;
    size_t   index;

    /* RFC 6901, on a copy: "" is the whole, else "/" tokens */

    if (len == 0) {
        return json;
    }

    ngx_fuzz_check(*p == '/');

    buf = malloc(len);
    ngx_fuzz_check(buf != NULL);
    ngx_memcpy(buf, p, len);

    p = buf;
    last = buf + len;

    while (p < last && json != NULL) {
        token = ++p;
        d = p;

        for (q = p; q < last && *q != '/'; q++) {
            if (*q == '~') {
                ngx_fuzz_check(q + 1 < last && (q[1] == '0' || q[1] == '1'));
                *d++ = (q[1] == '0') ? '~' : '/';
                q++;

            } else {
                *d++ = *q;
            }
        }

        p = q;

        if (json_is_object(json)) {
            json = json_object_getn(json, (char *) token, d - token);

        } else if (json_is_array(json)) {
            index = 0;

            for (q = token; q < d; q++) {
                ngx_fuzz_check(*q >= '0' && *q <= '9');
                index = index * 10 + (*q - '0');
            }

            json = json_array_get(json, index);

        } else {
            json = NULL;
        }
    }

    free(buf);

    return json;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char                       *p, *nul;
    json_t                       *schema_json, *doc, *s;
    ngx_int_t                     rc, rc2;
    ngx_str_t                     err;
    ngx_uint_t                    i;
    ngx_pool_t                   *pool;
    ngx_array_t                  *errors, *errors2;
    json_error_t                  jerr;
    ngx_http_api_schema_t        *schema;
    ngx_http_api_schema_error_t  *e;

    p = (u_char *) data;
    nul = memchr(p, '\0', size);

    schema_json = json_loadb((char *) p, nul ? (size_t) (nul - p) : size,
                             JSON_DECODE_ANY|JSON_REJECT_DUPLICATES, &jerr);
    if (schema_json == NULL) {
        return 0;
    }

    pool = ngx_fuzz_pool();

    schema = ngx_http_api_schema_compile(pool, schema_json, &err);

    if (schema == NULL) {
        /* at "<pointer>": <reason>; the pointer may hold quotes itself */
        ngx_fuzz_check(err.len > 5 && ngx_strncmp(err.data, "at \"", 4) == 0
                       && (err.data[4] == '/' || err.data[4] == '"'));
        goto done;
    }

    if (nul == NULL) {
        goto done;
    }

    doc = json_loadb((char *) nul + 1, size - (nul + 1 - p),
                     JSON_DECODE_ANY|JSON_REJECT_DUPLICATES, &jerr);
    if (doc == NULL) {
        goto done;
    }

    rc = ngx_http_api_schema_validate(schema, doc, pool, &errors);
    rc2 = ngx_http_api_schema_validate(schema, doc, pool, &errors2);

    ngx_fuzz_check(rc == NGX_OK || rc == NGX_DECLINED);
    ngx_fuzz_check(rc == rc2);

    if (rc == NGX_OK) {
        ngx_fuzz_check(errors == NULL);

    } else {
        ngx_fuzz_check(errors != NULL && errors->nelts > 0
                       && errors->nelts <= NGX_HTTP_API_SCHEMA_ERRORS_MAX);
        ngx_fuzz_check(errors2->nelts == errors->nelts);

        e = errors->elts;

        for (i = 0; i < errors->nelts; i++) {
            ngx_fuzz_check(ngx_fuzz_pointer(doc, e[i].instance.data,
                                            e[i].instance.len)
                           != NULL);
            ngx_fuzz_check(ngx_fuzz_pointer(schema_json, e[i].schema.data,
                                            e[i].schema.len)
                           != NULL);

            s = json_stringn((char *) e[i].message.data, e[i].message.len);
            ngx_fuzz_check(s != NULL && e[i].message.len > 0);
            json_decref(s);
        }
    }

    json_decref(doc);

done:

    ngx_destroy_pool(pool);
    json_decref(schema_json);

    return 0;
}
