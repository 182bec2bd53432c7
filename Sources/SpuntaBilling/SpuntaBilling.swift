// Billing: tariffs, consumptions, statements, pagoPA notices, payments, reminders, tax statement.
