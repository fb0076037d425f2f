package catalog

import (
	"golang.org/x/text/language"

	"qfpos/qfpay/paytype"
)

// payMethods are the pay methods' names in Chinese, by pay_type (English: qfpay/paytype). Brand
// names a shop says as they are (PayMe, FPS's 轉數快 aside, Visa/Mastercard, Apple Pay) stay.
var payMethods = map[language.Tag]map[string]string{
	language.TraditionalChinese: {
		"800008": "微信支付（反掃）", "800101": "支付寶（二維碼）", "800108": "支付寶", "801101": "支付寶（網頁）",
		"801107": "支付寶（WAP）", "801110": "支付寶（應用內）", "800107": "支付寶（H5）", "801501": "支付寶香港（二維碼）",
		"801510": "支付寶香港（應用內）", "801512": "支付寶香港（WAP）", "801514": "支付寶香港（網頁）",
		"800201": "微信支付（二維碼）", "800208": "微信支付", "800207": "微信支付（公眾號）", "800212": "微信支付（H5）",
		"800210": "微信支付（應用內）", "800213": "微信支付（小程式）", "801008": "微信支付香港", "801010": "微信支付香港（應用內）",
		"805801": "PayMe（二維碼）", "805808": "PayMe", "805814": "PayMe（網頁）", "805812": "PayMe（WAP）", "805810": "PayMe（應用內）",
		"800701": "銀聯雲閃付（二維碼）", "800708": "銀聯雲閃付", "800712": "銀聯（WAP）", "800714": "銀聯（網頁）",
		"802001": "轉數快", "803701": "八達通（二維碼）", "803712": "八達通（WAP）", "803714": "八達通（網頁）",
		"802801": "Visa/Mastercard（網上）", "802808": "Visa/Mastercard", "806527": "Apple Pay", "806708": "銀聯卡", "806808": "美國運通",
	},
	language.SimplifiedChinese: {
		"800008": "微信支付（反扫）", "800101": "支付宝（二维码）", "800108": "支付宝", "801101": "支付宝（网页）",
		"801107": "支付宝（WAP）", "801110": "支付宝（应用内）", "800107": "支付宝（H5）", "801501": "支付宝香港（二维码）",
		"801510": "支付宝香港（应用内）", "801512": "支付宝香港（WAP）", "801514": "支付宝香港（网页）",
		"800201": "微信支付（二维码）", "800208": "微信支付", "800207": "微信支付（公众号）", "800212": "微信支付（H5）",
		"800210": "微信支付（应用内）", "800213": "微信支付（小程序）", "801008": "微信支付香港", "801010": "微信支付香港（应用内）",
		"805801": "PayMe（二维码）", "805808": "PayMe", "805814": "PayMe（网页）", "805812": "PayMe（WAP）", "805810": "PayMe（应用内）",
		"800701": "银联云闪付（二维码）", "800708": "银联云闪付", "800712": "银联（WAP）", "800714": "银联（网页）",
		"802001": "转数快", "803701": "八达通（二维码）", "803712": "八达通（WAP）", "803714": "八达通（网页）",
		"802801": "Visa/Mastercard（网上）", "802808": "Visa/Mastercard", "806527": "Apple Pay", "806708": "银联卡", "806808": "美国运通",
	},
}

// englishPayMethods maps an English pay method name back to its pay_type (reports carry names).
var englishPayMethods = func() map[string]string {
	m := map[string]string{}
	for _, c := range paytype.Codes() {
		m[paytype.Name(c)] = c
	}
	return m
}()

// PayMethod is a pay_type's name in the printer's language (a code unknown to qfpos: "Pay type N").
func (p *Printer) PayMethod(code string) string {
	if name, ok := payMethods[p.tag][code]; ok {
		return name
	}
	if _, known := englishPayMethods[paytype.Name(code)]; !known {
		return p.T(PayTypeUnknown, code)
	}
	return paytype.Name(code)
}

// PayMethodNamed is PayMethod for a name in English (as reports give it); a name it does not know
// stays as it is.
func (p *Printer) PayMethodNamed(english string) string {
	if code, ok := englishPayMethods[english]; ok {
		return p.PayMethod(code)
	}
	return english
}
