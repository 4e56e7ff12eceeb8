// uchardet: guesses the charset of text that does not say what it is in.
#include <uchardet/uchardet.h>
