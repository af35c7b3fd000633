package relay

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/autonome-go/autonome/shared/arena"
)

// historyPage is how many missed events a client reads from Redis at once.
const historyPage = 500

func randN(d time.Duration) time.Duration { return rand.N(d) }

// start brings a new client up to date: from the ring (nothing to send
// yet), from Redis history, or from the current snapshot.
func (c *client) start(resume string, inRing bool) error {
	switch {
	case inRing:
		c.pos = resume
		return nil
	case resume != "":
		c.pos = resume
		return c.catchUp()
	}
	if err := c.snapshot(); err != nil {
		return err
	}
	if c.pos == c.hub.lastID() {
		return nil
	}
	return c.catchUp()
}

// snapshot queues the channel's current state and moves to the event it reflects.
func (c *client) snapshot() error {
	res, err := c.s.state(c.hub.channel)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	typ := ""
	if c.named && res.snapshot != nil {
		typ = typeSnapshot
	}
	c.pos = res.lastID
	c.out = appendEvent(c.out, res.lastID, typ, res.snapshot)
	return nil
}

// catchUp sends every event after pos from Redis; when pos is outside the
// history it sends a reset event and the snapshot instead.
func (c *client) catchUp() error {
	for resets := 0; ; {
		res, err := c.s.since(c.hub.channel, c.pos, historyPage)
		if err != nil {
			return fmt.Errorf("catch up: %w", err)
		}
		if !res.ok {
			if resets++; resets > 2 {
				return errResyncs
			}
			c.reset()
			if err := c.snapshot(); err != nil {
				return err
			}
			continue
		}
		for _, ev := range res.events {
			if arena.CompareEventIDs(ev.ID, c.pos) <= 0 {
				continue
			}
			typ := ""
			if c.named {
				typ = ev.Type
			}
			c.out = appendEvent(c.out, ev.ID, typ, ev.Data)
			c.pos = ev.ID
			c.s.counters.slowOut.Add(1)
		}
		if err := c.flush(); err != nil {
			return err
		}
		if len(res.events) < historyPage {
			return nil
		}
	}
}

func (c *client) reset() {
	c.s.counters.resets.Add(1)
	data, _ := json.Marshal(struct {
		Reason      string `json:"reason"`
		LastEventID string `json:"lastEventId"`
	}{"history", c.pos})
	c.out = appendEvent(c.out, "", typeReset, data)
}
