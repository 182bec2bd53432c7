print("spunta")
