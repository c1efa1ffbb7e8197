/* A small strict JSON reader for the package metadata: depth-limited, no NUL inside strings. */
#ifndef PSPF_JSON_H
#define PSPF_JSON_H

#include <stddef.h>

typedef enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } jtype;

typedef struct jval {
  jtype t;
  char *s;            /* J_STR: NUL-terminated UTF-8 */
  double num;         /* J_NUM */
  int b;              /* J_BOOL */
  size_t n;           /* J_ARR / J_OBJ: number of items */
  struct jval **items;
  char **keys;        /* J_OBJ only, parallel to items, in document order */
} jval;

/* Parses buf[0..len); on failure returns NULL and writes a reason into err. */
jval *json_parse(const char *buf, size_t len, char *err, size_t errlen);

const jval *json_get(const jval *obj, const char *key); /* NULL if absent or obj not an object */
const char *json_str(const jval *v);                    /* NULL unless a string */
const char *json_get_str(const jval *obj, const char *key);

#endif
