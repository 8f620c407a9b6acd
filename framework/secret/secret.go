package secret

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Prefix starts every token.
const Prefix = "VGL1"

// ErrNotToken is returned by Decode for a value that is not a token.
var ErrNotToken = errors.New("not a vigil encrypt token")

// Encode returns the shell-safe token of secret.
func Encode(secret string) string {
	return Prefix + base64.StdEncoding.EncodeToString([]byte(secret))
}

// IsToken reports whether v has the form of a token.
func IsToken(v string) bool {
	_, err := Decode(v)
	return err == nil
}

// Decode returns the secret a token holds.
func Decode(token string) (string, error) {
	body, ok := strings.CutPrefix(token, Prefix)
	if !ok {
		return "", fmt.Errorf("value %q: %w", token, ErrNotToken)
	}
	b, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return "", fmt.Errorf("token %q: %w: %w", token, ErrNotToken, err)
	}
	return string(b), nil
}
