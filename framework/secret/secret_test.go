package secret

import (
	"errors"
	"strings"
	"testing"
)

func TestRoundTripShellSafe(t *testing.T) {
	for _, s := range []string{"s3cret pass", "pa$$word", "x;echo INJECTED", "`id` $(id) *?[a]", "multi\nline", "", "ü€"} {
		tok := Encode(s)
		if strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != "" {
			t.Errorf("token %q of %q holds a character a shell may treat specially", tok, s)
		}
		got, err := Decode(tok)
		if err != nil || got != s {
			t.Errorf("Decode(Encode(%q)) = %q, %v", s, got, err)
		}
	}
}

func TestDecodeRefuses(t *testing.T) {
	for _, v := range []string{"plain", "VGL1***", "vgl1AAAA"} {
		if _, err := Decode(v); !errors.Is(err, ErrNotToken) {
			t.Errorf("Decode(%q) = %v, want ErrNotToken", v, err)
		}
	}
}
