"""Above the domains: the home page with each role's next steps, the main menu, the language
switch and the privacy notice. It may import every domain; no domain imports it."""
