/* manifest_yaml.h (private to the model layer): YAML scalar typing shared by manifest.c
 * (reading) and manifest_yaml.c (writing). */
#ifndef GAMMATOP_MANIFEST_YAML_H
#define GAMMATOP_MANIFEST_YAML_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The JSON value of a plain (unquoted, untagged) scalar under the YAML 1.2 core schema, or
 * NULL when it is a string. s is NUL-terminated; len is its length (a NUL inside: a string). */
json_t *manifest_yaml_plain(const char *s, size_t len);
/* Would a YAML 1.1 or 1.2 reader take this plain scalar as something but a string (or is it
 * empty)? Then the emitter quotes it. */
bool manifest_yaml_needs_quotes(const char *s);

#endif
