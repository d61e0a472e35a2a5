"""The HTTP side of the app: routes and middleware served by st.App."""
