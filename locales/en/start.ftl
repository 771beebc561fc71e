start-welcome = Welcome to the self-declaration bot of the government service counter offices.
