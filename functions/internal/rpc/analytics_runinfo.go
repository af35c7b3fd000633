package rpc

import "context"

// RunInfoOutput is analytics.getRunInfo's output: when the run began (the
// first equity snapshot; a stored season's start), a Date on the wire, null
// before it.
type RunInfoOutput struct {
	RunStartTime *Date `json:"runStartTime"`
}

func (a *api) getRunInfo(ctx context.Context, in SeasonScope) (RunInfoOutput, error) {
	if !isLive(in.SeasonID) {
		return a.seasonRunInfo(ctx, in.SeasonID)
	}
	t, ok, err := a.DB.RunStart(ctx)
	if err != nil {
		return RunInfoOutput{}, dbErr(err, "the run start")
	}
	if !ok {
		return RunInfoOutput{}, nil
	}
	d := Date(t)
	return RunInfoOutput{RunStartTime: &d}, nil
}
