/**
 * A Shopify orders/create body as the benchmarks send it (the same fields as the k6 intake scenario's, which is
 * plain k6 JavaScript and keeps its own copy): EUR, one Amsterdam address, one shipping line, every tenth order
 * express. The caller picks the id, the name and each line's SKU.
 */
export function shopifyOrderJson(o: { id: number; name: string; orderNumber: number; skus: string[] }): string {
  const lineItems = o.skus.map((sku, l) => ({
    id: o.orderNumber * 10 + l,
    sku,
    name: `Item ${l}`,
    title: `Item ${l}`,
    quantity: 1 + (l % 2),
    price: '12.50',
    total_discount: '0.00',
    requires_shipping: true,
    variant_id: 1000 + l,
  }));
  const at = new Date().toISOString();
  const express = o.orderNumber % 10 === 0;
  return JSON.stringify({
    id: o.id,
    name: o.name,
    order_number: o.orderNumber,
    currency: 'EUR',
    email: 'buyer@example.com',
    created_at: at,
    updated_at: at,
    subtotal_price: '37.50',
    total_price: '42.40',
    total_tax: '0.00',
    total_discounts: '0.00',
    total_shipping_price_set: { shop_money: { amount: '4.90', currency_code: 'EUR' } },
    tags: express ? 'express' : '',
    note: null,
    customer: { id: 5000 + (o.orderNumber % 100), email: 'buyer@example.com', first_name: 'Zoë', last_name: 'Load' },
    shipping_address: {
      name: 'Zoë Load',
      address1: 'Keizersgracht 1',
      city: 'Amsterdam',
      zip: '1015 CJ',
      country: 'Netherlands',
      country_code: 'NL',
      phone: '+31 20 123 4567',
    },
    shipping_lines: [{ title: express ? 'Express' : 'Standard', price: '4.90' }],
    line_items: lineItems,
  });
}
