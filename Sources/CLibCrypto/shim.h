// OpenSSL's libcrypto, for SHA-256 only (the store keeps a digest of each session id).
#include <openssl/sha.h>
