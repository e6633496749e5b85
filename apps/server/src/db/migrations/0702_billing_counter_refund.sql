-- PAY-09: a bill refunded at the hospital's counter (窗口退费), reported by the HIS: how the money
-- went back ('original': through the platform to the original account; 'cash': paid out at the window).
ALTER TABLE bills ADD COLUMN refund_method text CHECK (refund_method IN ('online', 'original', 'cash'));
