"""What ships: translations, hassfest's checks, brand images, blueprints, the dashboard, the contract's names."""
