package arena

import "time"

// Account is an account's ledger totals as recorded (the "Accounts"
// table): what readers show without the exchange. The same totals head an
// AccountState, which adds what the exchange needs to continue; Epoch
// counts the account's resets and UpdatedAt is the time of the last entry.
// The identity Cash = Capital + RealizedPnL − Fees + Funding + Insurance
// always holds (the database checks it on every write).
type Account struct {
	AccountID   string
	Capital     Fixed // starting capital of the current epoch
	Cash        Fixed
	RealizedPnL Fixed // gross
	Fees        Fixed
	Funding     Fixed // received (+) or paid (−)
	Insurance   Fixed
	Epoch       int
	UpdatedAt   time.Time
}
