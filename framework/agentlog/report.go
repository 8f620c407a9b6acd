package agentlog

import (
	"encoding/json"

	"go.uber.org/zap/zapcore"

	"github.com/vigil-ha/vigil/framework/clock"
)

// MsgRotationFailed is the message id of the line a log file gets when it
// could not be rotated (V-16-<cat>-10052): logging goes on in the same file.
const MsgRotationFailed = "10052"

// rotationReport returns the formatter of the line that reports a failed
// rotation of the file at path, in the file's format. It is written by the
// file itself, under its lock, so it cannot go through a zap logger.
func rotationReport(format, path, defCat string) func(error) []byte {
	clk := clock.Real{}
	msg := "log rotation of " + path + " failed; logging continues in this file: "
	return func(err error) []byte {
		e := zapcore.Entry{Level: zapcore.ErrorLevel, Time: clk.Now(), Message: msg + err.Error()}
		if format == FormatJSON {
			b, _ := json.Marshal(map[string]string{"level": "error", "ts": e.Time.Format("2006-01-02T15:04:05.999999999Z07:00"),
				"msg": e.Message, FieldMsgID: MsgRotationFailed})
			return append(b, '\n')
		}
		return []byte(FormatLine(e, map[string]any{FieldMsgID: MsgRotationFailed}, defCat))
	}
}
