package schedules

// Internal seams for the external tests.
var (
	RobfigParse = robfigParse
	WaitFor     = waitFor
)
