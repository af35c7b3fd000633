// Package signer signs Lighter transactions in pure Go.
//
// Lighter authenticates every transaction with a Schnorr signature over the
// ECgFp5 elliptic curve (Pornin, eprint 2022/274), hashing with Poseidon2
// (width 12, rate 8, 4+22+4 rounds, x^7 S-box) over the Goldilocks field
// p = 2^64 - 2^32 + 1. API keys are ECgFp5 key pairs: a 40-byte scalar and
// the 40-byte encoding (w = y/x) of its public point.
//
// The package is written from the published curve description and the
// published Poseidon2 parameters; it is proven against the venue's own signer
// (compiled to WebAssembly and shipped in the npm package lighter-ts-sdk) by
// the oracle test in this package (see oracle_test.go). Only the standard
// library is used. Nothing here is constant-time: the private key never leaves
// the worker, and signing time leaks at most the nonce's bit length profile.
package signer
