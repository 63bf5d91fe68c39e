"""Generated clients: the base class (``base``), the class factory (``creator``), modelled
errors (``errors``) and lazily generated method docs (``docs``)."""
