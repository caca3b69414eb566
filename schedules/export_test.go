package schedules

// Internal seams for the external tests.
var (
	RobfigParse = robfigParse
	Sleep       = sleep
	WaitFor     = waitFor
)
