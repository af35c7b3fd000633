package signer

import "testing"

func benchOrder() CreateOrder {
	return CreateOrder{Header: Header{AccountIndex: 12345, ApiKeyIndex: 3, ExpiredAt: 1765000000000, Nonce: 42},
		MarketIndex: 1, ClientOrderIndex: 7, BaseAmount: 1000, Price: 350000, Type: OrderLimit, TimeInForce: GoodTillTime,
		OrderExpiry: 1767000000000}
}

func BenchmarkHashCreateOrder(b *testing.B) {
	tx := benchOrder()
	for b.Loop() {
		tx.Hash(ChainMainnet)
	}
}

func BenchmarkSign(b *testing.B) {
	key, _ := GenerateKey()
	h := benchOrder().Hash(ChainMainnet)
	for b.Loop() {
		if _, err := key.Sign(h); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	key, _ := GenerateKey()
	h := benchOrder().Hash(ChainMainnet)
	sig, _ := key.Sign(h)
	for b.Loop() {
		if err := Verify(key.Public(), h, sig); err != nil {
			b.Fatal(err)
		}
	}
}
